export { crashServer, restartServer, type Clock } from './crash.ts';
export {
  CRASH_TEST_BACKENDS,
  runCrashTest,
  type CrashTestBackend,
  type CrashTestOptions,
  type CrashTestPhases,
  type CrashTestResult,
} from './crash-test.ts';
export { WriteLedger, type AcknowledgedWrite, type LedgerWorkload } from './ledger.ts';
export { readBack, readBackRecord, type LostWrite, type ReadBackOptions, type ReadBackResult } from './read-back.ts';
export {
  startSteadyWrites,
  summarizeWrites,
  type SteadyWrites,
  type SteadyWritesOptions,
  type WriteOutcome,
  type WriteSummary,
} from './steady-writes.ts';
export { faultLabel, parseFault, type FaultSpec } from './fault-spec.ts';
export { runFaultStep, timeToRecovery, type FaultStepOptions } from './fault-step.ts';
export { TimelineRecorder, type TimelineSecond } from './timeline.ts';
export { withLedger } from './mix-ledger.ts';
