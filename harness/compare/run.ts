import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_OF, type BackendName } from '../backends/index.ts';
import {
  pinLoadGenerator,
  pinTrees,
  placementRecord,
  planPlacement,
  signalGroups,
  startingOnSystemUnderTest,
  type Placement,
} from '../placement/index.ts';
import { ownedPids, provisionServers, throwIfStopRequested } from '../provision/index.ts';
import { clusterDescription, clusterLabel, startCluster, type RunningCluster } from '../provision/clusters/index.ts';
import { renderReport, type RenderedReport } from '../report/index.ts';
import { newRunResult, writeRun, type MachineSpeedReading, type RunResult } from '../results/index.ts';
import { runScenario, type LoadTarget } from '../runner/index.ts';
import { scenarioRecord } from '../scenario/index.ts';
import type { ServerKind } from '../provision/index.ts';
import {
  databaseObserver,
  describeSpeedReading,
  speedReadingWhen,
  probeMachineSpeed,
  SPEED_PROBE,
  type DatabaseObserver,
} from '../observe/index.ts';
import { memoryLayoutProblem, topologyLabel } from '../topology/index.ts';
import { VerifyMismatchError, type VerifyReport } from '../verify/index.ts';
import { calibrationRecord, costLabel, knownCost, twinLabel } from './calibration.ts';
import {
  hostsModeOf,
  layoutRecord,
  planDatabaseLayouts,
  RunNetwork,
  type DatabaseLayout,
  type HostsMode,
} from './database-layouts.ts';
import { FaultRuns } from './fault-runs.ts';
import { targetLabel } from './layout-dimensions.ts';
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

/** A backend whose database (one server or a cluster) is up, seeded and settled (and paused until its layouts are measured). */
interface PreparedBackend {
  backend: BackendName;
  layout: DatabaseLayout;
  cluster?: RunningCluster;
  database?: LayoutDatabase;
  seeded: SeededDatabase['datasets'];
}

/** Something the run started and stops at the end (a database, the Redis cache). */
interface Started {
  pids(): number[];
  stop(): Promise<void>;
}

/** `cassandra ring3 (netns)`: a prepared database in messages. */
function databaseLabel(layout: DatabaseLayout): string {
  const cluster = layout.cluster.kind === 'single' ? '' : ` ${clusterLabel(layout.cluster)}`;
  return `${layout.backend}${cluster}${layout.hosts === 'netns' ? ' (network hosts)' : ''}`;
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
  await readMachineSpeed('start', placement, result, log);
  const verified: VerifyReport[] = [];
  const skip = (backend: string, reason: string): void => {
    result.skippedBackends!.push({ backend, reason });
    result.notes.push(`${backend} skipped: ${reason}`);
    log(`compare: ${backend} SKIPPED: ${reason}`);
  };

  const provisioned: Started[] = [];
  const prepared: PreparedBackend[] = [];
  const { layouts: databaseLayouts, notes: layoutNotes } = planDatabaseLayouts(plan.backends, plan.dimensions);
  for (const note of layoutNotes) {
    result.notes.push(note);
    log(`compare: ${note}`);
  }
  const faults = plan.dimensions.fault ? new FaultRuns(plan.dimensions.fault) : undefined;
  let network: RunNetwork | undefined;
  try {
    if (plan.dimensions.rtt.some((r) => r.kind === 'netns')) {
      network = await RunNetwork.create(placement);
      log(`compare: hosts in network namespaces on ${network.network.subnet} (the load generator stays here)`);
    }
    const redisUrls = new Map<HostsMode, string>();
    if (plan.settings.topologies.some((t) => t.cache)) {
      for (const mode of new Set(plan.dimensions.rtt.map(hostsModeOf))) {
        const host = mode === 'netns' ? await network!.network.addHost('redis') : undefined;
        const redis = await provisionServers(['redis'], {
          ...provisionOptions(plan),
          ...(host && { mode: 'local' as const, host: { namespace: host.namespace!, address: host.address } }),
        });
        const pids = redis.servers.flatMap((s) => s.endpoint.pid ?? []);
        provisioned.push({ pids: () => pids, stop: () => redis.stop() });
        redisUrls.set(mode, redis.endpoints.redis!.url);
        if (placement.mode === 'pinned') pinTrees(pids, placement.systemUnderTest);
      }
    }

    // 1. Servers and data, one database at a time; each is paused once ready.
    for (const layout of databaseLayouts) {
      throwIfStopRequested();
      try {
        prepared.push(await prepareBackend(plan, layout, result, provisioned, network, placement, log));
        await save();
      } catch (error) {
        if (!(error instanceof BackendSkipped)) throw error;
        throwIfStopRequested(); // seeding cut short by the stop is not a skipped backend
        skip(databaseLabel(layout), error.message);
      }
    }

    // 2. The targets: every API layout (topology, round trip) of every prepared database, and the A/A twin.
    const targets: LoadTarget[] = [];
    const { topologies } = plan.settings;
    const rtts = plan.dimensions.rtt;
    let twinMade = false;
    // The label of the layout the A/A twin copies (the backend's name, or e.g. `postgres loopback` with --rtt).
    let calibratedLabel: string | undefined;
    for (const { backend, layout, cluster, database, seeded } of prepared) {
      let first = true;
      for (const topology of topologies) {
        for (const rtt of rtts.filter((r) => hostsModeOf(r) === layout.hosts)) {
          const label = targetLabel({
            backend,
            cluster: layout.cluster,
            clustersOfBackend: layout.clustersOfBackend,
            rtt,
            rtts: rtts.length,
            topology: topologyLabel(topology),
            topologies: topologies.length,
          });
          const problem = database ? null : memoryLayoutProblem(topology);
          if (problem) {
            result.notes.push(`${label} not measured: ${problem}`);
            log(`compare: ${label}: not measured: ${problem}`);
            continue;
          }
          const record = layoutRecord(label, layout, rtt, cluster);
          (result.layouts ??= []).push(record);
          const net = layout.hosts === 'netns' ? network : undefined;
          const hosts = net
            ? {
                api: { namespace: net.api.namespace!, address: net.api.address },
                activate: async () => {
                  await net.activate(rtt);
                  const member = cluster?.members[0]?.hostName;
                  record.measuredRtt ??= await net.probe(label, member ? net.network.host(member) : undefined);
                },
              }
            : undefined;
          const context = { plan, backend, topology, seeded, placement, result, verified, log };
          const redisUrl = redisUrls.get(layout.hosts);
          const shared = { ...(database && { database }), ...(redisUrl && { redisUrl }), ...(hosts && { hosts }) };
          // The control row on the calibrated workload only (it is half of the A/A pair there), when asked.
          const controlOnly = !database && plan.settings.controlRow === 'calibrated' && plan.calibrate;
          const target = layoutTarget({
            ...context,
            ...shared,
            label,
            ...(controlOnly && { workloads: [controlOnly.workload] }),
          });
          if (controlOnly && first)
            result.notes.push(
              `${label} (the control row) measured on ${controlOnly.workload} only, where it is half of the A/A pair (--control-row every measures it on every workload)`,
            );
          targets.push(first && faults ? faults.wrap(target, backend, cluster) : target);
          if (plan.calibrate?.backend === backend && !twinMade) {
            twinMade = true;
            calibratedLabel = label;
            // The twin and the +cost target are measured on the calibrated workload only. Each of their API
            // processes is started fresh every trial, seeded with every workload's data and warmed up on the
            // workloads its original's is (by default the control row's one, the calibrated workload); by
            // default the calibrated workload is the first one the original measures in each trial, so the
            // processes are in the same state when measured. (When one API process served all trials, a twin
            // measured on one workload held a third less heap than its original and was not comparable.)
            // On a database the copies share their original's data, which its trials change: not verified again.
            const copy = {
              ...context,
              ...shared,
              ...(database && { copyOf: label }),
              warmWorkloads: [...(target.workloads ?? plan.workloads)],
            };
            const workloads = [plan.calibrate.workload];
            targets.push(layoutTarget({ ...copy, label: twinLabel(label), workloads }));
            if (plan.calibrate.sensitivity) {
              const cost = knownCost(result, label, plan.calibrate.workload, plan.scenario.searchStartRps);
              targets.push(layoutTarget({ ...copy, label: costLabel(label), workloads, cost }));
            }
          }
          first = false;
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
      runPids: () => [
        ...ownedPids(),
        ...prepared.flatMap((p) => p.database?.pids() ?? []),
        ...(network?.network.relayPid() !== undefined ? [network.network.relayPid()!] : []),
      ],
      betweenTrials: (trial) => readMachineSpeed('trial', placement, result, log, trial),
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
    await faults?.run({
      scenario: plan.scenario,
      result,
      ...(network && { network: network.network }),
      save,
      log,
    });
    if (plan.calibrate) {
      const record = calibrationRecord(result, calibratedLabel ?? plan.calibrate.backend, plan.calibrate.workload);
      if (record) result.calibration = record;
    }
  } finally {
    for (const p of prepared) await p.database?.observer?.close();
    // A paused server would not hear its stop signal.
    for (const started of provisioned) signalGroups(started.pids(), 'SIGCONT');
    await Promise.allSettled(provisioned.map((started) => started.stop()));
    if (network) {
      result.network = await network.record();
      await network.remove();
    }
  }
  await readMachineSpeed('end', placement, result, log);
  checkFingerprints(result);
  await save();
  let report: RenderedReport | null = null;
  if (plan.report !== false) {
    report = await renderReport(runDir);
    log(`compare: report ${report.markdownPath} and ${report.htmlPath}`);
  }
  return { result, runDir, report, verified };
}

/** Starts, seeds and settles one backend's database (a server or a cluster), then pauses it until its layouts are measured. */
async function prepareBackend(
  plan: ComparePlan,
  layout: DatabaseLayout,
  result: RunResult,
  provisioned: Started[],
  network: RunNetwork | undefined,
  placement: Placement,
  log: Log,
): Promise<PreparedBackend> {
  const { backend } = layout;
  const kind = SERVER_OF[backend];
  if (!kind) return { backend, layout, seeded: new Map() };
  const name = databaseLabel(layout);
  log(`compare: ${name}: starting ${clusterDescription(layout.cluster)} (${plan.settings.provision})…`);
  let cluster: RunningCluster;
  try {
    cluster = await startingOnSystemUnderTest(placement, () =>
      startCluster(kind, layout.cluster, {
        ...provisionOptions(plan),
        ...(layout.hosts === 'netns' && network && { network: network.network, hostPrefix: layout.hostPrefix }),
        log: (line) => log(`compare: ${name}: ${line}`),
      }),
    );
  } catch (error) {
    throw new BackendSkipped(`could not provision ${kind}: ${firstLine(error)}`);
  }
  provisioned.push(cluster);
  const { url } = cluster;
  const pids = cluster.pids();
  if (!cluster.resettable) {
    throw new BackendSkipped(
      `${kind} at ${url} is a server you run; pass --allow-reset to let compare wipe and seed it`,
    );
  }
  // Only a database this run started is pinned and paused; any server with a pid here is sampled as the database.
  const owned = pids.length > 0 && cluster.provisioner === 'local';
  // Pinned before seeding, so the database and the seeder (this process, on the load generator's CPU) do
  // not share one CPU: pinned only after seeding, Cassandra seeded its three small data sets on the
  // seeder's CPU in 73 s instead of 56 s. (It was started on the system under test's CPUs already, so a JVM
  // sized its threads for them: startingOnSystemUnderTest.)
  if (owned && placement.mode === 'pinned') pinTrees(pids, placement.systemUnderTest);
  log(`compare: ${name}: ${cluster.version} at ${url}`);
  let db: SeededDatabase;
  try {
    db = await seedDatabase(plan, backend, url, cluster.dataDirs[0], log);
    // What the adapter itself reports (a stand-in names itself), not the provisioner's probe.
    result.environment.serverVersions[kind] = db.serverVersion;
    (result.preparation ??= []).push(await settleDatabase(backend, url, log));
    await cluster.settle();
  } catch (error) {
    throw new BackendSkipped(`seeding failed: ${firstLine(error)}`);
  }
  if (owned) signalGroups(pids, 'SIGSTOP');
  else {
    result.notes.push(
      `${backend}: its ${cluster.provisioner} server is not paused while other backends are measured` +
        (pids.length === 0 ? '; with no pid known here, any CPU it uses on this machine counts as interference' : ''),
    );
  }
  const observer = observerOf(cluster);
  const database: LayoutDatabase = {
    url,
    pids: () => cluster.pids(),
    pausable: owned,
    ...(owned && { dataDirs: cluster.dataDirs }),
    ...(observer && { observer }),
  };
  if (owned && plan.scenario.databasePerTrial === 'restart') {
    const { restartServer } = cluster;
    // An API kept up (paused) past a restart would hold connections to a process that is gone: the API
    // processes of `--api-per-trial reuse`, and the one a failure run resumes after every trial.
    const failureRun = plan.dimensions.fault?.specs.some((s) => cluster.members.some((m) => m.name === s.member));
    const why = !restartServer
      ? '--database-per-trial restart restarts single servers only'
      : plan.scenario.apiPerTrial === 'reuse'
        ? 'with --api-per-trial reuse its API processes stay connected to it from trial to trial'
        : failureRun
          ? 'its failure run (--fault) measures it after the trials, through the API of its last trial'
          : null;
    if (why === null) database.restart = () => restartDatabase(database, cluster, restartServer!, placement);
    else result.notes.push(`${name}: kept its processes for the whole run (${why})`);
  }
  return { backend, layout, cluster, database, seeded: db.datasets };
}

/** GC pauses or wait events of the first member (node1, the primary): the one every layout talks to first. */
function observerOf(cluster: RunningCluster): DatabaseObserver | undefined {
  const watched = cluster.watchedEndpoint();
  return watched ? databaseObserver(watched) : undefined;
}

/**
 * A new process of a paused database for the next trial: its observer closed (a PostgreSQL connection
 * would outlive the server), a clean shutdown, a start on the system under test's CPUs on the same data
 * dir and port, pinned there, and an observer of the new process (a new GC log). Resolves to the seconds
 * taken and whether the shutdown finished within its grace.
 */
async function restartDatabase(
  database: LayoutDatabase,
  cluster: RunningCluster,
  restartServer: () => Promise<{ readyMs: number; graceful: boolean }>,
  placement: Placement,
): Promise<{ seconds: number; graceful: boolean }> {
  const started = performance.now();
  await database.observer?.close();
  signalGroups(cluster.pids(), 'SIGCONT'); // a stopped process would not hear SIGTERM
  const { graceful } = await startingOnSystemUnderTest(placement, restartServer);
  if (placement.mode === 'pinned') pinTrees(cluster.pids(), placement.systemUnderTest);
  const observer = observerOf(cluster);
  if (observer) database.observer = observer;
  else delete database.observer;
  return { seconds: Math.round((performance.now() - started) / 100) / 10, graceful };
}

function provisionOptions(plan: ComparePlan) {
  return {
    mode: plan.settings.provision as 'auto' | 'local' | 'docker' | 'external',
    ...(plan.externalUrls && { externalUrls: plan.externalUrls as Partial<Record<ServerKind, string>> }),
    ...(plan.allowReset !== undefined && { allowReset: plan.allowReset }),
    ...(plan.javaHeap !== undefined && { javaHeap: plan.javaHeap }),
  };
}

/**
 * Times the fixed work of the speed probe while nothing of the run runs (before the first server
 * starts, after the last one stopped), so a reader can tell a slower machine from a slower backend. A
 * probe that fails is a note, never the end of the run.
 */
async function readMachineSpeed(
  when: MachineSpeedReading['when'],
  placement: Placement,
  result: RunResult,
  log: Log,
  trial?: number,
): Promise<void> {
  const sets =
    placement.mode === 'pinned'
      ? [
          { role: 'system under test', cpus: placement.systemUnderTest },
          { role: 'load generator', cpus: placement.loadGenerator },
        ]
      : [{ role: 'shared', cpus: undefined }];
  try {
    const reading = await probeMachineSpeed(when, sets, trial);
    (result.machineSpeed ??= { probe: SPEED_PROBE, readings: [] }).readings.push(reading);
    log(`compare: machine speed ${speedReadingWhen(reading)}: ${describeSpeedReading(reading)}`);
  } catch (error) {
    const note = `machine speed probe ${speedReadingWhen({ when, ...(trial !== undefined && { trial }) })} failed: ${firstLine(error)}`;
    result.notes.push(note);
    log(`compare: ${note}`);
  }
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
