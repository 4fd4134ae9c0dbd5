export { COMPARE_FLAG_OPTIONS, compareInputFromFlags } from './flags.ts';
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
