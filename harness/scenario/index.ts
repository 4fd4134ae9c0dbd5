export { DEFAULT_STEP_VALUES, scenarioSchema, type Scenario, type ScenarioInput } from './schema.ts';
export { loadScenarioFile, parseScenario, ScenarioError } from './load.ts';
export { mixFor, mixRecord, scenarioRecord } from './mixes.ts';
export { scenarioLadder, type ScenarioLadder } from './ladder.ts';
export { SCENARIO_FLAG_HELP, SCENARIO_FLAG_OPTIONS, scenarioOverrides } from './flags.ts';
