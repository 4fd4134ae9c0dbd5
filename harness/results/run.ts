import { describeEnvironment } from './environment.ts';
import { RUN_SCHEMA_VERSION, type DatasetRecord, type RunResult, type ScenarioRecord } from './types.ts';
import { newRunId } from './writer.ts';

/** A fresh run record; stages push steps, summaries, profiles and notes, then write it with writeRun. */
export function newRunResult(options: {
  scenario: ScenarioRecord;
  serverVersions?: Record<string, string>;
  datasets?: DatasetRecord[];
  runId?: string;
}): RunResult {
  const now = new Date();
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: options.runId ?? newRunId(now),
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    environment: describeEnvironment(options.serverVersions),
    scenario: options.scenario,
    datasets: options.datasets ?? [],
    steps: [],
    summary: [],
    profiles: [],
    notes: [],
  };
}
