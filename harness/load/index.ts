export { driveStep, type LiveFigures, type StepMeasurement, type StepPlan } from './driver.ts';
export { LatencyHistogram } from './histogram.ts';
export {
  DEFAULT_SLO,
  generatorBottleneck,
  rateConnections,
  runLadder,
  sustainableThroughput,
  toStepResult,
  type LadderOptions,
  type LadderResult,
} from './ladder.ts';
export { profileServer, waitForPort, type ProfileOptions } from './profile.ts';
export { ProgressDisplay, stepLine } from './progress.ts';
export { processTree, readProcStat, ResourceSampler, type SampledRole } from './sampler.ts';
