export { driveStep, type LiveFigures, type RequestOutcome, type StepMeasurement, type StepPlan } from './driver.ts';
export { LatencyHistogram } from './histogram.ts';
export {
  DEFAULT_SLO,
  generatorBottleneck,
  measureStep,
  rateConnections,
  runLadder,
  sustainableThroughput,
  toStepResult,
  type LadderOptions,
  type LadderResult,
  type StepContext,
  type StepObservations,
} from './ladder.ts';
export { driveUnmeasured, phaseSpanS, runPhaseShift } from './phase.ts';
export { profileServer, waitForPort, type ProfileOptions } from './profile.ts';
export { endedEarlyText, ProgressDisplay, stepLine } from './progress.ts';
export { processTree, readProcStat, readSchedstat, ResourceSampler, type SampledRole } from './sampler.ts';
export {
  DEFAULT_GRID,
  findMaxRate,
  simulateSearch,
  gridIndex,
  gridRate,
  gridResolution,
  type RateGrid,
  type SearchOptions,
  type SearchPhase,
  type SearchResult,
  type SearchStep,
} from './search.ts';
export { explainMiss, stallFloorMs } from './cause.ts';
