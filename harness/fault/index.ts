export { faultLabel, parseFault, type FaultSpec } from './fault-spec.ts';
export { runFaultStep, timeToRecovery, type FaultStepOptions } from './fault-step.ts';
export { TimelineRecorder, type TimelineSecond } from './timeline.ts';
export { readBack, withLedger, WriteLedger, type LedgerKind, type ReadBackResult } from './write-ledger.ts';
