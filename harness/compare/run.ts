import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_OF, type BackendName } from '../backends/index.ts';
import { pinLoadGenerator, pinTrees, placementRecord, planPlacement, signalGroups } from '../placement/index.ts';
import { ownedPids, provisionServers, type ProvisionedSet } from '../provision/index.ts';
import { renderReport, type RenderedReport } from '../report/index.ts';
import { newRunResult, writeRun, type RunResult } from '../results/index.ts';
import { runScenario, type LoadTarget } from '../runner/index.ts';
import { scenarioRecord } from '../scenario/index.ts';
import type { ServerKind } from '../provision/index.ts';
import { databaseObserver } from '../observe/index.ts';
import { memoryLayoutProblem, topologyLabel } from '../topology/index.ts';
import { VerifyMismatchError, type VerifyReport } from '../verify/index.ts';
import { calibrationRecord, costLabel, knownCost, twinLabel } from './calibration.ts';
import { seedDatabase, settleDatabase, type SeededDatabase } from './database.ts';
import { firstLine, layoutTarget, LayoutUnavailableError, type LayoutDatabase } from './layout-target.ts';
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

/** A backend that cannot be measured (no server, a server we may not wipe, seeding failed). */
class BackendSkipped extends Error {}

/** A backend whose server is up, seeded and settled (and paused until its layouts are measured). */
interface PreparedBackend {
  backend: BackendName;
  database?: LayoutDatabase;
  seeded: SeededDatabase['datasets'];
}

/**
 * The main job. First every backend's server is provisioned, seeded with the same deterministic
 * data set (timed, fingerprinted, size on disk recorded), settled (checkpoint, vacuum, flush) and
 * paused. Then the scenario runner measures every (backend, API layout) target in interleaved
 * trials: a target is started, verified against the memory reference and warmed up the first time,
 * measured, and paused (with its database) while the others are measured, so only one system ever
 * runs during a step and slow drift of the machine hits every backend alike. The load generator and
 * the system under test are pinned to CPUs of their own where the machine allows. A backend that
 * cannot be provisioned, seeded or served is skipped with the reason; a backend that answers
 * differently from the reference stops the run. Results are written after every measured trial.
 */
export async function runCompare(plan: ComparePlan, log: Log = (line) => console.error(line)): Promise<CompareOutcome> {
  const placement = planPlacement(plan.placement);
  pinLoadGenerator(placement);
  const result = newRunResult({
    scenario: { ...scenarioRecord(plan.scenario), compare: plan.settings },
    serverVersions: { storebench: storebenchVersion() },
    ...(plan.runId !== undefined && { runId: plan.runId }),
  });
  result.skippedBackends = [];
  result.placement = placementRecord(placement);
  const runDir = join(plan.resultsDir, result.runId);
  const save = async (): Promise<void> => {
    result.finishedAt = new Date().toISOString();
    await writeRun(plan.resultsDir, result);
  };
  await save();
  log(
    `compare: run ${result.runId} -> ${runDir} (load generator on CPU ${placement.loadGenerator}, system under test on CPU ${placement.systemUnderTest}, ${placement.mode})`,
  );
  const verified: VerifyReport[] = [];
  const skip = (backend: string, reason: string): void => {
    result.skippedBackends!.push({ backend, reason });
    result.notes.push(`${backend} skipped: ${reason}`);
    log(`compare: ${backend} SKIPPED: ${reason}`);
  };

  const provisioned: ProvisionedSet[] = [];
  const prepared: PreparedBackend[] = [];
  try {
    let redisUrl: string | undefined;
    if (plan.settings.topologies.some((t) => t.cache)) {
      const redis = await provisionServers(['redis'], provisionOptions(plan));
      provisioned.push(redis);
      redisUrl = redis.endpoints.redis?.url;
      const pid = redis.endpoints.redis?.pid;
      if (pid !== undefined && placement.mode === 'pinned') pinTrees([pid], placement.systemUnderTest);
    }

    // 1. Servers and data, one backend at a time; each server is paused once ready.
    for (const backend of plan.backends) {
      try {
        prepared.push(await prepareBackend(plan, backend, result, provisioned, placement.systemUnderTest, log));
        await save();
      } catch (error) {
        if (!(error instanceof BackendSkipped)) throw error;
        skip(backend, error.message);
      }
    }

    // 2. The targets: every API layout of every prepared backend, and the A/A twin.
    const targets: LoadTarget[] = [];
    const labelled = plan.settings.topologies.length > 1;
    for (const { backend, database, seeded } of prepared) {
      for (const topology of plan.settings.topologies) {
        const label = labelled ? `${backend} ${topologyLabel(topology)}` : backend;
        const problem = database ? null : memoryLayoutProblem(topology);
        if (problem) {
          result.notes.push(`${label} not measured: ${problem}`);
          log(`compare: ${label}: not measured: ${problem}`);
          continue;
        }
        const context = { plan, backend, topology, seeded, placement, result, verified, log };
        const shared = { ...(database && { database }), ...(redisUrl && { redisUrl }) };
        targets.push(layoutTarget({ ...context, ...shared, label }));
        if (plan.calibrate?.backend === backend && topology === plan.settings.topologies[0]) {
          const workloads = [plan.calibrate.workload];
          targets.push(layoutTarget({ ...context, ...shared, label: twinLabel(label), workloads }));
          if (plan.calibrate.sensitivity) {
            const cost = knownCost(result, label, plan.calibrate.workload, plan.scenario.searchStartRps);
            targets.push(layoutTarget({ ...context, ...shared, label: costLabel(label), workloads, cost }));
          }
        }
      }
    }

    // 3. Interleaved trials.
    const failed = new Set<string>();
    await runScenario({
      scenario: plan.scenario,
      targets,
      result,
      runDir,
      save,
      log,
      runPids: () => [...ownedPids(), ...prepared.flatMap((p) => p.database?.pid ?? [])],
      ...(plan.profileWorkload && { profileWorkload: plan.profileWorkload }),
      skip: (target, error) => {
        if (error instanceof VerifyMismatchError || !(error instanceof LayoutUnavailableError)) return false;
        const backend = target.label.split(' ')[0]!;
        if (!failed.has(backend)) skip(backend, error.message);
        failed.add(backend);
        return true;
      },
    }).catch(async (error: unknown) => {
      if (!(error instanceof VerifyMismatchError)) throw error;
      result.notes.push(`run stopped: an API answered differently from the memory reference`);
      await save();
      throw new CompareStoppedError(error.message, runDir);
    });
    if (plan.calibrate) {
      const record = calibrationRecord(result, plan.calibrate.backend, plan.calibrate.workload);
      if (record) result.calibration = record;
    }
  } finally {
    for (const p of prepared) await p.database?.observer?.close();
    // A paused server would not hear its stop signal.
    for (const set of provisioned)
      signalGroups(
        set.servers.flatMap((s) => s.endpoint.pid ?? []),
        'SIGCONT',
      );
    await Promise.allSettled(provisioned.map((set) => set.stop()));
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

/** Provisions, seeds and settles one backend's server, then pauses it until its layouts are measured. */
async function prepareBackend(
  plan: ComparePlan,
  backend: BackendName,
  result: RunResult,
  provisioned: ProvisionedSet[],
  sutCpus: string,
  log: Log,
): Promise<PreparedBackend> {
  const kind = SERVER_OF[backend];
  if (!kind) return { backend, seeded: new Map() };
  log(`compare: ${backend}: provisioning ${kind} (${plan.settings.provision})…`);
  let servers: ProvisionedSet;
  try {
    servers = await provisionServers([kind], provisionOptions(plan));
  } catch (error) {
    throw new BackendSkipped(`could not provision ${kind}: ${firstLine(error)}`);
  }
  provisioned.push(servers);
  const server = servers.servers[0]!;
  const { url, pid, dataDir } = server.endpoint;
  if (!server.resettable) {
    throw new BackendSkipped(
      `${kind} at ${url} is a server you run; pass --allow-reset to let compare wipe and seed it`,
    );
  }
  // Only a server this run started is pinned and paused; any server with a pid here is sampled as the database.
  const owned = pid !== undefined && server.endpoint.provisioner === 'local';
  if (owned && plan.placement !== 'shared') pinTrees([pid], sutCpus);
  log(`compare: ${backend}: ${kind} ${server.endpoint.version ?? ''} at ${url}`);
  let db: SeededDatabase;
  try {
    db = await seedDatabase(plan, backend, url, dataDir, log);
    // What the adapter itself reports (a stand-in names itself), not the provisioner's probe.
    result.environment.serverVersions[kind] = db.serverVersion;
    (result.preparation ??= []).push(await settleDatabase(backend, url, log));
  } catch (error) {
    throw new BackendSkipped(`seeding failed: ${firstLine(error)}`);
  }
  if (owned) signalGroups([pid], 'SIGSTOP');
  else {
    result.notes.push(
      `${backend}: its ${server.endpoint.provisioner} server is not paused while other backends are measured` +
        (pid === undefined ? '; with no pid known here, any CPU it uses on this machine counts as interference' : ''),
    );
  }
  const observer = databaseObserver(server.endpoint);
  return {
    backend,
    database: { url, ...(pid !== undefined && { pid }), pausable: owned, ...(observer && { observer }) },
    seeded: db.datasets,
  };
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
