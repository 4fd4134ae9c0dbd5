import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_OF, type BackendName } from '../backends/index.ts';
import { provisionServers, type ProvisionedSet } from '../provision/index.ts';
import { renderReport, type RenderedReport } from '../report/index.ts';
import { newRunResult, writeRun, type RunResult } from '../results/index.ts';
import { runScenario, type LoadTarget } from '../runner/index.ts';
import { scenarioRecord } from '../scenario/index.ts';
import type { ServerKind } from '../provision/index.ts';
import { memoryLayoutProblem, topologyLabel } from '../topology/index.ts';
import { VerifyMismatchError, type VerifyReport } from '../verify/index.ts';
import { seedDatabase, type SeededDatabase } from './database.ts';
import { firstLine, layoutTarget, LayoutUnavailableError } from './layout-target.ts';
import type { ComparePlan } from './settings.ts';

export interface CompareOutcome {
  result: RunResult;
  runDir: string;
  report: RenderedReport | null;
  /** Verification reports per backend and workload (all ok unless the run stopped on a difference). */
  verified: VerifyReport[];
}

/** Raised when a backend answers differently from the reference: the run stops, with the diff. */
export class CompareStoppedError extends Error {
  constructor(
    message: string,
    readonly runDir: string,
  ) {
    super(message);
    this.name = 'CompareStoppedError';
  }
}

type Log = (line: string) => void;

/** The version in package.json, recorded with the server versions. */
function storebenchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The main job: for each backend in turn, provision its server, seed every workload with the same
 * deterministic data set (timed, size on disk recorded), then hand its API layouts to the scenario
 * runner (each layout is started, verified against the memory reference, loaded and stopped), then
 * stop the server before the next backend, so a database under load never shares the machine with
 * another one. A backend that cannot be provisioned, seeded or served is skipped with the reason;
 * a backend that answers differently from the reference stops the run. Results are written after
 * every ladder, so an interrupted run keeps what it measured.
 */
export async function runCompare(plan: ComparePlan, log: Log = (line) => console.error(line)): Promise<CompareOutcome> {
  const result = newRunResult({
    scenario: { ...scenarioRecord(plan.scenario), compare: plan.settings },
    serverVersions: { storebench: storebenchVersion() },
    ...(plan.runId !== undefined && { runId: plan.runId }),
  });
  result.skippedBackends = [];
  const runDir = join(plan.resultsDir, result.runId);
  const save = async (): Promise<void> => {
    result.finishedAt = new Date().toISOString();
    await writeRun(plan.resultsDir, result);
  };
  await save();
  log(`compare: run ${result.runId} -> ${runDir}`);
  const verified: VerifyReport[] = [];

  let redis: ProvisionedSet | null = null;
  if (plan.settings.topologies.some((t) => t.cache)) redis = await provisionServers(['redis'], provisionOptions(plan));
  try {
    for (const backend of plan.backends) {
      try {
        await compareBackend(plan, backend, {
          result,
          runDir,
          save,
          log,
          verified,
          redisUrl: redis?.endpoints.redis?.url,
        });
      } catch (error) {
        if (error instanceof VerifyMismatchError) {
          result.notes.push(`run stopped: ${backend} answered differently from the memory reference`);
          await save();
          throw new CompareStoppedError(error.message, runDir);
        }
        if (!(error instanceof BackendSkipped || error instanceof LayoutUnavailableError)) throw error;
        result.skippedBackends.push({ backend, reason: error.message });
        result.notes.push(`${backend} skipped: ${error.message}`);
        log(`compare: ${backend} SKIPPED: ${error.message}`);
      }
    }
  } finally {
    await redis?.stop();
  }
  checkFingerprints(result);
  await save();
  let report: RenderedReport | null = null;
  if (plan.report !== false) {
    report = await renderReport(runDir);
    log(`compare: report ${report.markdownPath} and ${report.htmlPath}`);
  }
  return { result, runDir, report, verified };
}

/** A backend that cannot be measured (no server, a server we may not wipe, seeding failed). */
class BackendSkipped extends Error {}

interface RunContext {
  result: RunResult;
  runDir: string;
  save: () => Promise<void>;
  log: Log;
  verified: VerifyReport[];
  redisUrl: string | undefined;
}

/** One backend: its server, its data, the scenario over each of its API layouts. */
async function compareBackend(plan: ComparePlan, backend: BackendName, run: RunContext): Promise<void> {
  const { result, log } = run;
  const kind = SERVER_OF[backend];
  let servers: ProvisionedSet | null = null;
  try {
    let database: { url: string; pid?: number } | undefined;
    let seeded: SeededDatabase['datasets'] = new Map();
    if (kind) {
      log(`compare: ${backend}: provisioning ${kind} (${plan.settings.provision})…`);
      try {
        servers = await provisionServers([kind], provisionOptions(plan));
      } catch (error) {
        throw new BackendSkipped(`could not provision ${kind}: ${firstLine(error)}`);
      }
      const server = servers.servers[0]!;
      const { url, pid, dataDir } = server.endpoint;
      if (!server.resettable) {
        throw new BackendSkipped(
          `${kind} at ${url} is a server you run; pass --allow-reset to let compare wipe and seed it`,
        );
      }
      log(`compare: ${backend}: ${kind} ${server.endpoint.version ?? ''} at ${url}`);
      try {
        const db = await seedDatabase(plan, backend, url, dataDir, log);
        // What the adapter itself reports (a stand-in names itself), not the provisioner's probe.
        result.environment.serverVersions[kind] = db.serverVersion;
        seeded = db.datasets;
      } catch (error) {
        throw new BackendSkipped(`seeding failed: ${firstLine(error)}`);
      }
      database = { url, ...(pid !== undefined && { pid }) };
    }

    const labelled = plan.settings.topologies.length > 1;
    const targets: LoadTarget[] = [];
    for (const topology of plan.settings.topologies) {
      const label = labelled ? `${backend} ${topologyLabel(topology)}` : backend;
      const problem = kind ? null : memoryLayoutProblem(topology);
      if (problem) {
        result.notes.push(`${label} not measured: ${problem}`);
        log(`compare: ${label}: not measured: ${problem}`);
        continue;
      }
      targets.push(
        layoutTarget({
          plan,
          backend,
          label,
          topology,
          ...(database && { database }),
          ...(run.redisUrl && { redisUrl: run.redisUrl }),
          seeded,
          result,
          verified: run.verified,
          log,
        }),
      );
    }
    await runScenario({ scenario: plan.scenario, targets, result, runDir: run.runDir, save: run.save, log });
  } finally {
    await servers?.stop();
  }
}

function provisionOptions(plan: ComparePlan) {
  return {
    mode: plan.settings.provision as 'auto' | 'local' | 'docker' | 'external',
    ...(plan.externalUrls && { externalUrls: plan.externalUrls as Partial<Record<ServerKind, string>> }),
    ...(plan.allowReset !== undefined && { allowReset: plan.allowReset }),
    ...(plan.javaHeap !== undefined && { javaHeap: plan.javaHeap }),
  };
}

/** Every backend must have been fed the same rows: a differing fingerprint is recorded loudly. */
function checkFingerprints(result: RunResult): void {
  const byWorkload = new Map<string, Set<string>>();
  for (const d of result.datasets) {
    const set = byWorkload.get(d.workload) ?? new Set<string>();
    set.add(d.fingerprint);
    byWorkload.set(d.workload, set);
  }
  for (const [workload, prints] of byWorkload) {
    if (prints.size > 1)
      result.notes.push(`${workload}: backends were seeded with DIFFERENT data (fingerprints differ)`);
  }
}
