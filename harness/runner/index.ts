export { commandTarget, startServer, stopServer, type CommandTargetOptions } from './command-target.ts';
export { profiledTarget, runScenario, type ScenarioRun } from './run-scenario.ts';
export type { LoadTarget, OpenTarget } from './target.ts';
