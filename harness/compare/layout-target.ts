import type { BackendName } from '../backends/index.ts';
import { clearCache } from '../../adapters/redis-cache/index.ts';
import { seededRandom, workload as workloadNamed } from '../../core/workloads/index.ts';
import { driveUnmeasured } from '../load/index.ts';
import { pinTrees, signalGroups, type Placement } from '../placement/index.ts';
import { compilerShare, jitCompilerNs, warmPageCache, type DatabaseObserver } from '../observe/index.ts';
import type { ServerHost } from '../provision/index.ts';
import { RESTART_ACTION, type DatasetRecord, type RunResult } from '../results/index.ts';
import type { LoadTarget, OpenTarget } from '../runner/index.ts';
import { mixFor } from '../scenario/index.ts';
import {
  serveCommand,
  startTopology,
  topologyLabel,
  type ApiProcessOptions,
  type RunningTopology,
  type Topology,
} from '../topology/index.ts';
import { startMemoryReference, verifyBackends, VerifyMismatchError, type VerifyReport } from '../verify/index.ts';
import { tableRows } from './database.ts';
import type { ComparePlan } from './settings.ts';

/** The API of a layout did not start: the backend is skipped with this reason. */
export class LayoutUnavailableError extends Error {
  override readonly name = 'LayoutUnavailableError';
}

/** A database server the layout talks to, and how to stop, continue and restart it between trials. */
export interface LayoutDatabase {
  url: string;
  /**
   * Root pids of every member running on this machine now (none for a server elsewhere): sampled as the
   * database, paused and continued together. Read again after a restart.
   */
  pids(): number[];
  /** The run started it: it may be stopped (SIGSTOP) between trials. */
  pausable?: boolean;
  /** Where a server the run started keeps its data (read into the page cache before each trial of a workload). */
  dataDirs?: readonly string[];
  /** What the harness watches of the server during steps (JVM GC pauses, PostgreSQL wait events); a restart replaces it. */
  observer?: DatabaseObserver;
  /**
   * A new process of the database on its data, before every trial (`databasePerTrial: restart`, a single
   * server the run started); resolves to the seconds it took and whether its shutdown finished within its
   * grace. Absent: one process serves every trial.
   */
  restart?(): Promise<{ seconds: number; graceful: boolean }>;
}

export interface LayoutContext {
  plan: ComparePlan;
  backend: BackendName;
  label: string;
  topology: Topology;
  /**
   * Only these workloads are measured (the +cost target of a calibration measures one); default every
   * workload of the plan. The process is still seeded with every workload of the plan, so it is the same
   * system as the target it is compared with (a memory API holding one data set instead of three has
   * another heap, other garbage collections, and measured 4x lower than its original).
   */
  workloads?: string[];
  /**
   * The workloads each new API process is warmed up on; default the ones it measures. A copy of a target
   * (the A/A twin, the +cost target) is warmed as its original is, whatever it measures.
   */
  warmWorkloads?: string[];
  /**
   * The label of the target this one is a second copy of (the A/A twin, the +cost target) on the same
   * database: its answers are not verified again, since by the time it first opens the database holds
   * what its original's trials wrote, and the reference does not. Its data sets are recorded as they are.
   */
  copyOf?: string;
  /** A known extra cost: this slow request class in the target's mix (sized when its first trial starts). */
  cost?: () => { slowFraction: number; slowBusyMs: number };
  /** The database (absent for memory, which seeds itself in each API process). */
  database?: LayoutDatabase;
  redisUrl?: string;
  /** Hosts in network namespaces: where the API runs, and what makes this layout's delay the one in force. */
  hosts?: { api: ServerHost; activate(): Promise<void> };
  /** Data sets seeded into the database, by workload; the memory backend's are filled in on first start. */
  seeded: Map<string, DatasetRecord>;
  placement: Placement;
  result: RunResult;
  /** Every verification, in order (all ok unless the run stopped on a difference). */
  verified: VerifyReport[];
  log: (line: string) => void;
}

/**
 * One API layout of one backend as a load target. Opening it starts the processes on the
 * system-under-test CPUs (cold cache), checks every workload answers like the memory reference (the
 * first time; a difference throws VerifyMismatchError and stops the run), records the data sets and
 * runs an unrecorded warm-up pass for the JIT of the API and of the database. With `apiPerTrial:
 * fresh` (the default) it is closed after every trial and opened again for the next, so every trial
 * measures new API processes; with `reuse` it pauses (SIGSTOP) the API processes and the database
 * between trials and continues them. With `databasePerTrial: restart` (the default) every opening first
 * restarts the database server on its data, so every trial also measures a new database process, warmed
 * up again. Closing stops the processes and leaves the database paused for the next layout or trial.
 */
export function layoutTarget(ctx: LayoutContext): LoadTarget {
  const { plan, topology, label } = ctx;
  const { settings, scenario } = plan;
  const workloads = ctx.workloads ?? plan.workloads;
  // How every API process of this layout (and the profiled one) is started.
  const serve: Omit<ApiProcessOptions, 'workers' | 'cache'> = {
    backend: ctx.backend,
    experimentRoutes: scenario.slowFraction > 0 || ctx.cost !== undefined,
    reportPauses: true,
    ...(ctx.placement.apiNodeFlags.length > 0 && { nodeFlags: ctx.placement.apiNodeFlags }),
    ...(ctx.hosts && { host: ctx.hosts.api }),
    ...(ctx.database && { url: ctx.database.url }),
    ...(!ctx.database && {
      seedWorkloads: { workloads: plan.workloads, scale: settings.scale, datasetSeed: settings.datasetSeed },
    }),
  };
  const dbPids = (): number[] => ctx.database?.pids() ?? [];
  const dbRoots = (): number[] => (ctx.database?.pausable ? dbPids() : []);
  return {
    label,
    workloads,
    freshPerTrial: scenario.apiPerTrial === 'fresh',
    ...(ctx.cost && { scenario: ctx.cost }),
    open: async (again = false, trial?: number): Promise<OpenTarget> => {
      signalGroups(dbRoots(), 'SIGCONT');
      await ctx.hosts?.activate();
      // Before the API starts, so the API connects to the new process.
      const restarted = ctx.database?.restart ? await restartForTrial(ctx, ctx.database.restart, trial) : false;
      // A cached layout starts cold: no values left by another backend or an earlier layout.
      if (topology.cache && ctx.redisUrl) await clearCache(ctx.redisUrl);
      let api: RunningTopology;
      try {
        api = await startTopology(topology, { ...serve, ...(ctx.redisUrl && { redisUrl: ctx.redisUrl }) });
      } catch (error) {
        signalGroups(dbRoots(), 'SIGSTOP');
        throw new LayoutUnavailableError(`the API (${topologyLabel(topology)}) did not start: ${firstLine(error)}`);
      }
      const apiRoots = api.rootPids();
      if (ctx.placement.mode === 'pinned') pinTrees(apiRoots, ctx.placement.systemUnderTest);
      try {
        const up = (api.startupMs / 1000).toFixed(1);
        ctx.log(`compare: ${label}: API at ${api.url} (${topologyLabel(topology)}, up in ${up} s)`);
        // Its answers were checked when it first opened; the database holds the same data sets since.
        if (!again && ctx.copyOf) recordDatasets(ctx, workloads);
        else if (!again) await verifyLayout(ctx, workloads, api);
        // The database's JIT is warmed on every new process of it; one that stays up between trials is warmed
        // once, not again for a copy of the layout.
        const warmJit = restarted || (!again && !ctx.copyOf);
        const jvm = warmJit && plan.scenario.jitWarmupMaxS > 0 ? jitCompilerNs(dbPids()) : null;
        const startedMs = performance.now();
        await warmUp(ctx, ctx.warmWorkloads ?? workloads, api.url, !again);
        if (jvm !== null)
          await warmUntilCompiled(ctx, {
            url: api.url,
            dbPids: dbPids(),
            atStart: jvm,
            firstPassMs: performance.now() - startedMs,
            trial,
          });
      } catch (error) {
        await api.stop();
        signalGroups(dbRoots(), 'SIGSTOP');
        throw error;
      }
      const observer = ctx.database?.observer;
      await observer?.start();
      return {
        url: api.url,
        serverPids: () => api.rootPids(),
        ...(dbPids().length > 0 && { databasePids: dbPids }),
        warmPageCache: async () => {
          const warmed = await warmPageCache(ctx.database?.dataDirs ?? [], [...api.rootPids(), ...dbPids()]);
          const storage = warmed.fromStorageMiB !== undefined ? ` (${warmed.fromStorageMiB} MiB from storage)` : '';
          ctx.log(
            `compare: ${label}: page cache: read ${warmed.files} files, ${warmed.mib} MiB${storage}, in ${warmed.seconds} s`,
          );
          return warmed;
        },
        observe: async (window) => {
          const db = (await observer?.observe(window)) ?? {};
          return { ...db, pauses: { ...db.pauses, api: api.pauses(window.fromMs, window.toMs) } };
        },
        pause: async () => {
          observer?.stop();
          signalGroups([...api.rootPids(), ...dbRoots()], 'SIGSTOP');
        },
        resume: async () => {
          signalGroups([...dbRoots(), ...api.rootPids()], 'SIGCONT');
          await ctx.hosts?.activate();
          await observer?.start();
        },
        close: async () => {
          observer?.stop();
          signalGroups(api.rootPids(), 'SIGCONT'); // a stopped process would not hear SIGTERM
          await api.stop();
          signalGroups(dbRoots(), 'SIGSTOP');
        },
      };
    },
    profileCommand: (port) => ({
      command: serveCommand(
        {
          ...serve,
          workers: 1, // clinic profiles one process, whatever the layout measured
          ...(topology.cache && ctx.redisUrl && { cache: { redisUrl: ctx.redisUrl } }),
        },
        port,
      ),
      url: `http://127.0.0.1:${port}`,
    }),
  };
}

/**
 * The database restarted for a trial, logged and recorded as a preparation action; a database that does not
 * come back makes the layout unavailable (its backend is skipped with the reason).
 */
async function restartForTrial(
  ctx: LayoutContext,
  restart: () => Promise<{ seconds: number; graceful: boolean }>,
  trial: number | undefined,
): Promise<true> {
  let restarted: { seconds: number; graceful: boolean };
  try {
    restarted = await restart();
  } catch (error) {
    throw new LayoutUnavailableError(`the database did not restart for a trial: ${firstLine(error)}`);
  }
  const { seconds, graceful } = restarted;
  const shutdown = graceful
    ? 'after shutting down cleanly'
    : 'after its shutdown ran past its grace and was killed (it recovered at start-up)';
  const action = `${RESTART_ACTION} ${shutdown}: a new process for this trial, answering after ${seconds} s`;
  ctx.log(`compare: ${ctx.label}: ${action}`);
  recordPreparation(ctx, action, seconds, trial);
  return true;
}

/** A preparation action of this layout in run.json; `trial` when it is done again before every trial. */
function recordPreparation(ctx: LayoutContext, action: string, seconds: number, trial?: number): void {
  (ctx.result.preparation ??= []).push({
    backend: ctx.label,
    ...(trial !== undefined && { trial }),
    actions: [action],
    seconds,
  });
}

/** Same answers as the reference, workload by workload; then the layout's data sets go into the result. */
async function verifyLayout(ctx: LayoutContext, workloads: string[], api: RunningTopology): Promise<void> {
  const { settings } = ctx.plan;
  for (const name of workloads) {
    const workload = workloadNamed(name);
    const reference = await startMemoryReference(workload, settings.scale, settings.datasetSeed);
    try {
      const report = await verifyBackends({
        reference: reference.url,
        candidates: { [ctx.label]: api.url },
        workload,
        scale: settings.scale,
        datasetSeed: settings.datasetSeed,
      });
      ctx.verified.push(report);
      ctx.log(`compare: ${ctx.label}/${name}: verified ${report.requests} requests, all answers match the reference`);
    } catch (error) {
      if (error instanceof VerifyMismatchError) {
        ctx.verified.push(error.report);
        ctx.log(error.message);
      }
      throw error;
    } finally {
      await reference.close();
    }
    if (!ctx.database && !ctx.seeded.has(name)) {
      // The API process seeded itself from the same generator, seed and scale as the reference.
      const seeded = api.apis[0]!.events.find((e) => e.event === 'seeded' && e.workload === name);
      ctx.seeded.set(name, {
        backend: ctx.backend,
        workload: name,
        fingerprint: reference.seeded.fingerprint ?? 'unknown',
        scale: tableRows(reference.seeded.tables, reference.seeded.load.rows),
        ...(seeded?.event === 'seeded' && { seedDurationS: seeded.seconds }),
      });
    }
  }
  recordDatasets(ctx, workloads);
}

function recordDatasets(ctx: LayoutContext, workloads: string[]): void {
  ctx.result.datasets.push(
    ...workloads.flatMap((w) => {
      const d = ctx.seeded.get(w);
      return d ? [{ ...d, backend: ctx.label }] : [];
    }),
  );
}

/**
 * An unrecorded pass over each of these workloads at a modest rate, so the first measured step does not pay
 * for the JIT of the API and of the database, or for cold caches. Recorded as a preparation action.
 */
async function warmUp(ctx: LayoutContext, workloads: string[], url: string, record: boolean): Promise<void> {
  const { scenario } = ctx.plan;
  if (scenario.targetWarmupS <= 0) return;
  const started = performance.now();
  await warmPass(ctx, workloads, url, scenario.targetWarmupS);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  if (!record) return;
  const every = scenario.apiPerTrial === 'fresh' && scenario.trials > 1 ? " (again for each trial's new API)" : '';
  recordPreparation(
    ctx,
    `warm-up ${scenario.targetWarmupS} s at ${warmRate(ctx)} RPS per workload (${workloads.join(', ')}), not measured${every}`,
    seconds,
  );
}

/** The rate of the warm-up passes: half the first rate a search tries, at most 500 RPS. */
function warmRate(ctx: LayoutContext): number {
  return Math.min(500, Math.round(ctx.plan.scenario.searchStartRps / 2));
}

/** One unmeasured pass: `seconds` at the warm-up rate on every workload in turn. */
async function warmPass(ctx: LayoutContext, workloads: string[], url: string, seconds: number): Promise<void> {
  const { scenario } = ctx.plan;
  for (const name of workloads) {
    await driveUnmeasured({
      baseUrl: url,
      mix: mixFor(name, scenario),
      rps: warmRate(ctx),
      seconds,
      requestTimeoutMs: scenario.requestTimeoutMs,
      random: seededRandom(scenario.requestSeed + 1000),
    });
  }
}

/** A JVM whose compiler threads use less than this share of a core is taken as compiled. */
export const JIT_QUIET_SHARE = 0.05;

/**
 * A database whose server is a JVM: more warm-up passes, after the first, until its JIT compiler
 * threads use under `JIT_QUIET_SHARE` of a core over a pass, or `jitWarmupMaxS` has passed. Measured
 * here, Cassandra's C2 compiler still took 10-30% of the core it shares with the API minutes into a
 * run: its first trial ran on a JVM that was still compiling and came out lower than the later ones,
 * so the trials of one run drifted upwards. Recorded as a preparation action with the compiler's share
 * in the first pass and in every pass after it.
 */
async function warmUntilCompiled(
  ctx: LayoutContext,
  warm: {
    url: string;
    /** The database server's processes, whose JIT compiler threads are read. */
    dbPids: number[];
    /** Their compiler threads' CPU ns before the first pass. */
    atStart: number;
    /** How long the first pass took. */
    firstPassMs: number;
    trial: number | undefined;
  },
): Promise<void> {
  const { url, dbPids, atStart, firstPassMs, trial } = warm;
  const { scenario } = ctx.plan;
  const workloads = ctx.plan.workloads;
  let reading = jitCompilerNs(dbPids);
  // Without a first pass (`targetWarmupS` 0) nothing says the JIT is done: at least one pass runs.
  const first = firstPassMs >= 500 ? compilerShare(atStart, reading, firstPassMs) : Number.POSITIVE_INFINITY;
  const started = performance.now();
  let share = first;
  let passes = 0;
  // The share of every pass, so a record says how the compiler quietened and where a threshold would have stopped.
  const shares: number[] = [];
  while (share >= JIT_QUIET_SHARE && performance.now() - started < scenario.jitWarmupMaxS * 1000) {
    const passStarted = performance.now();
    // A pass of at least 1 s per workload, so its share is read over a span long enough to mean something.
    await warmPass(ctx, workloads, url, Math.max(1, scenario.targetWarmupS));
    const next = jitCompilerNs(dbPids);
    share = compilerShare(reading, next, performance.now() - passStarted);
    shares.push(share);
    reading = next;
    passes++;
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const pct = (f: number): string => (Number.isFinite(f) ? `${Math.round(f * 100)}%` : 'unmeasured');
  const quiet = share < JIT_QUIET_SHARE;
  const action =
    passes === 0
      ? `JIT of the database's JVM: its compiler threads used ${pct(first)} of a core during the warm-up, no more needed`
      : `JIT of the database's JVM: ${passes} more warm-up pass(es), ${seconds} s, ${
          quiet ? 'until' : 'stopped at the limit before'
        } its compiler threads used under ${pct(JIT_QUIET_SHARE)} of a core (${pct(first)} in the first pass, then ${shares.map(pct).join(', ')})`;
  ctx.log(`compare: ${ctx.label}: ${action}`);
  recordPreparation(ctx, action, seconds, trial);
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').slice(0, 3).join(' | ');
}
