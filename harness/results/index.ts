export * from './types.ts';
export { describeEnvironment } from './environment.ts';
export { newRunResult } from './run.ts';
export { newRunId, STEP_COLUMNS, stepsCsv, writeRun } from './writer.ts';
