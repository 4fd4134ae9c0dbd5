export {
  serveCommand,
  startApiProcess,
  STOREBENCH_BIN,
  type ApiProcess,
  type ApiProcessOptions,
} from './api-process.ts';
export { CompareStoppedError, runCompare, type CompareOutcome } from './run.ts';
export {
  comparePlan,
  inputFromRecord,
  mergeInputs,
  PRESETS,
  type ComparePlan,
  type ComparePlanInput,
  type PresetName,
} from './settings.ts';
