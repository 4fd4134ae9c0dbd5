import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createBackend, SERVER_OF, type BackendName } from '../backends/index.ts';
import { clearCache } from '../../adapters/redis-cache/index.ts';
import type { Backend, WorkloadName } from '../../core/backend.ts';
import { seedWorkload } from '../dataset/index.ts';
import { processTree, profileServer, ProgressDisplay, runLadder } from '../load/index.ts';
import { freeLoopbackPort } from '../provision/ports.ts';
import { provisionServers, type ProvisionedSet } from '../provision/index.ts';
import { renderReport, type RenderedReport } from '../report/index.ts';
import { newRunResult, writeRun, type DatasetRecord, type RunResult } from '../results/index.ts';
import { scenarioLadder, scenarioRecord } from '../scenario/index.ts';
import type { ServerKind } from '../provision/index.ts';
import { startMemoryReference, verifyBackends, VerifyMismatchError, type VerifyReport } from '../verify/index.ts';
import {
  memoryLayoutProblem,
  serveCommand,
  startTopology,
  topologyLabel,
  type ApiProcessOptions,
  type RunningTopology,
  type Topology,
} from '../topology/index.ts';
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

/** What the API processes of a backend are started with; the layout adds workers, instances and the cache. */
type ServeProcess = Omit<ApiProcessOptions, 'workers' | 'cache'>;

/** The version in package.json, recorded with the server versions. */
function storebenchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The main job: for each backend in turn, provision its server, seed every workload with the same
 * deterministic data set (timed, size on disk recorded), serve the API as a separate process,
 * verify its answers against the memory reference, run the load ladder of every workload, then
 * stop it all before the next backend, so a database under load never shares the machine with
 * another one. A backend that cannot be provisioned, seeded or served is skipped with the reason;
 * a backend that answers differently from the reference stops the run. Results are written after
 * every ladder, so an interrupted run keeps what it measured.
 */
export async function runCompare(plan: ComparePlan, log: Log = (line) => console.error(line)): Promise<CompareOutcome> {
  const record = { ...scenarioRecord(plan.scenario), compare: plan.settings };
  const result = newRunResult({
    scenario: record,
    serverVersions: { storebench: storebenchVersion() },
    ...(plan.runId !== undefined && { runId: plan.runId }),
  });
  result.skippedBackends = [];
  let runDir = await writeRun(plan.resultsDir, result);
  log(`compare: run ${result.runId} -> ${runDir}`);
  const verified: VerifyReport[] = [];

  let redis: ProvisionedSet | null = null;
  if (plan.settings.topologies.some((t) => t.cache)) {
    redis = await provisionServers(['redis'], provisionOptions(plan));
  }
  try {
    for (const backend of plan.backends) {
      const outcome = await compareBackend(plan, backend, result, redis, log, async () => {
        result.finishedAt = new Date().toISOString();
        runDir = await writeRun(plan.resultsDir, result);
      });
      if (outcome.skipped) {
        result.skippedBackends.push({ backend, reason: outcome.skipped });
        result.notes.push(`${backend} skipped: ${outcome.skipped}`);
        log(`compare: ${backend} SKIPPED: ${outcome.skipped}`);
      }
      verified.push(...outcome.verified);
      if (outcome.mismatch) {
        result.notes.push(`run stopped: ${backend} answered differently from the memory reference`);
        result.finishedAt = new Date().toISOString();
        runDir = await writeRun(plan.resultsDir, result);
        throw new CompareStoppedError(outcome.mismatch.message, runDir);
      }
    }
  } finally {
    await redis?.stop();
  }
  checkFingerprints(result);
  result.finishedAt = new Date().toISOString();
  runDir = await writeRun(plan.resultsDir, result);
  let report: RenderedReport | null = null;
  if (plan.report !== false) {
    report = await renderReport(runDir);
    log(`compare: report ${report.markdownPath} and ${report.htmlPath}`);
  }
  return { result, runDir, report, verified };
}

interface BackendOutcome {
  skipped?: string;
  mismatch?: VerifyMismatchError;
  verified: VerifyReport[];
}

async function compareBackend(
  plan: ComparePlan,
  backend: BackendName,
  result: RunResult,
  redis: ProvisionedSet | null,
  log: Log,
  save: () => Promise<void>,
): Promise<BackendOutcome> {
  const { settings } = plan;
  const kind = SERVER_OF[backend];
  let servers: ProvisionedSet | null = null;
  const verified: VerifyReport[] = [];
  try {
    // 1. The database server.
    if (kind) {
      log(`compare: ${backend}: provisioning ${kind} (${settings.provision})…`);
      try {
        servers = await provisionServers([kind], provisionOptions(plan));
      } catch (error) {
        return { skipped: `could not provision ${kind}: ${firstLine(error)}`, verified };
      }
      const server = servers.servers[0]!;
      if (!server.resettable) {
        return {
          skipped: `${kind} at ${server.endpoint.url} is a server you run; pass --allow-reset to let compare wipe and seed it`,
          verified,
        };
      }
      result.environment.serverVersions[kind] = server.endpoint.version ?? 'unknown';
      log(`compare: ${backend}: ${kind} ${server.endpoint.version ?? ''} at ${server.endpoint.url}`);
    }
    const endpoint = kind ? servers!.endpoints[kind]! : undefined;

    // 2. Seed every workload (the memory backend seeds itself in the API process below).
    const seeded = new Map<WorkloadName, DatasetRecord>();
    if (kind) {
      try {
        await seedDatabase(plan, backend, endpoint!.url, endpoint!.dataDir, seeded, log);
      } catch (error) {
        return { skipped: `seeding failed: ${firstLine(error)}`, verified };
      }
    }

    // 3. Each API layout in turn: start it, verify it, load it, stop it.
    const labelled = settings.topologies.length > 1;
    for (const topology of settings.topologies) {
      const label = labelled ? `${backend} ${topologyLabel(topology)}` : backend;
      const problem = kind ? null : memoryLayoutProblem(topology);
      if (problem) {
        result.notes.push(`${label} not measured: ${problem}`);
        log(`compare: ${label}: not measured: ${problem}`);
        continue;
      }
      const outcome = await measureTopology(plan, {
        backend,
        label,
        topology,
        url: endpoint?.url,
        dbPid: endpoint?.pid,
        redisUrl: redis?.endpoints.redis?.url,
        seeded,
        result,
        log,
        save,
      });
      verified.push(...outcome.verified);
      if (outcome.skipped) return { skipped: outcome.skipped, verified };
      if (outcome.mismatch) return { mismatch: outcome.mismatch, verified };
    }
    return { verified };
  } finally {
    await servers?.stop();
  }
}

/** One API layout of one backend: start, verify every workload, run every ladder, profile, stop. */
async function measureTopology(
  plan: ComparePlan,
  ctx: {
    backend: BackendName;
    label: string;
    topology: Topology;
    url: string | undefined;
    dbPid: number | undefined;
    redisUrl: string | undefined;
    seeded: Map<WorkloadName, DatasetRecord>;
    result: RunResult;
    log: Log;
    save: () => Promise<void>;
  },
): Promise<BackendOutcome> {
  const { scenario, settings } = plan;
  const { backend, label, topology, result, log } = ctx;
  const verified: VerifyReport[] = [];
  // A cached layout starts cold: no values left by another backend or an earlier layout.
  if (topology.cache && ctx.redisUrl) await clearCache(ctx.redisUrl);
  // How every API process of this layout (and the profiled one) is started.
  const serve: ServeProcess = {
    backend,
    experimentRoutes: scenario.slowFraction > 0,
    ...(ctx.url && { url: ctx.url }),
    ...(!ctx.url && {
      seed: { workloads: plan.workloads, scale: settings.scale, datasetSeed: settings.datasetSeed },
    }),
  };
  let api: RunningTopology;
  try {
    api = await startTopology(topology, { ...serve, ...(ctx.redisUrl && { redisUrl: ctx.redisUrl }) });
  } catch (error) {
    return { skipped: `the API (${topologyLabel(topology)}) did not start: ${firstLine(error)}`, verified };
  }
  try {
    log(
      `compare: ${label}: API at ${api.url} (${topologyLabel(topology)}, up in ${(api.startupMs / 1000).toFixed(1)} s)`,
    );

    // Same answers as the reference, workload by workload.
    for (const workload of plan.workloads) {
      const reference = await startMemoryReference(workload, settings.scale, settings.datasetSeed);
      try {
        const report = await verifyBackends({
          reference: reference.url,
          candidates: { [label]: api.url },
          workload,
          scale: settings.scale,
          seed: settings.datasetSeed,
        });
        verified.push(report);
        log(`compare: ${label}/${workload}: verified ${report.requests} requests, all answers match the reference`);
      } catch (error) {
        if (error instanceof VerifyMismatchError) {
          verified.push(error.report);
          log(error.message);
          return { mismatch: error, verified };
        }
        throw error;
      } finally {
        await reference.close();
      }
      if (!ctx.url && !ctx.seeded.has(workload)) {
        // The API process seeded itself from the same generator, seed and scale as the reference.
        const seconds = seedSeconds(api.apis[0]!.output, workload);
        ctx.seeded.set(workload, {
          backend,
          workload,
          fingerprint: reference.seeded.fingerprint ?? 'unknown',
          scale: tableRows(reference.seeded.tables, reference.seeded.load.rows),
          ...(seconds !== undefined && { seedDurationS: seconds }),
        });
      }
    }
    result.datasets.push(...[...ctx.seeded.values()].map((d) => ({ ...d, backend: label })));
    await ctx.save();

    // The ladders.
    const progress = new ProgressDisplay();
    const dbPid = ctx.dbPid;
    for (const workload of plan.workloads) {
      const ladder = await runLadder({
        ...scenarioLadder(scenario, workload),
        backend: label,
        workload,
        baseUrl: api.url,
        serverPids: () => api.pids(),
        ...(dbPid !== undefined && { databasePids: () => processTree(dbPid) }),
        ...progress.hooks(
          label,
          workload,
          scenario.stepKind === 'rate' ? 'RPS' : 'conn',
          scenario.stepDurationS + scenario.warmupS,
        ),
      });
      result.steps.push(...ladder.steps);
      result.summary.push(ladder.summary);
      await ctx.save();
    }
  } finally {
    await api.stop();
  }

  // A profile of one step, when asked; clinic failures are recorded, never fatal.
  if (scenario.profile !== 'none') {
    await profileBackend(plan, label, topology, serve, ctx.redisUrl, result, log);
    await ctx.save();
  }
  return { verified };
}

async function seedDatabase(
  plan: ComparePlan,
  backend: BackendName,
  url: string,
  dataDir: string | undefined,
  seeded: Map<WorkloadName, DatasetRecord>,
  log: Log,
): Promise<void> {
  const client: Backend = await createBackend(backend, url);
  try {
    await client.migrate();
    await client.reset();
    for (const workload of plan.workloads) {
      const before = dataDir ? await directoryBytes(dataDir) : undefined;
      const started = performance.now();
      let lastLog = 0;
      const seed = await seedWorkload(client, workload, {
        scale: plan.settings.scale,
        seed: plan.settings.datasetSeed,
        onProgress: (p) => {
          if (performance.now() - lastLog < 10_000) return;
          lastLog = performance.now();
          log(`compare: ${backend}/${workload}: seeding… ${JSON.stringify(p)}`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      let size: number | undefined;
      if (client.sizeOnDisk) size = await client.sizeOnDisk(workload);
      else if (dataDir && before !== undefined) size = Math.max(0, (await directoryBytes(dataDir)) - before);
      const rows = Object.values(seed.load.rows).reduce((a, b) => a + b, 0);
      log(`compare: ${backend}/${workload}: seeded ${rows} rows in ${seconds.toFixed(1)} s`);
      seeded.set(workload, {
        backend,
        workload,
        fingerprint: seed.fingerprint ?? 'unknown',
        scale: tableRows(seed.tables, seed.load.rows),
        seedDurationS: Math.round(seconds * 100) / 100,
        ...(size !== undefined && { sizeOnDiskBytes: size }),
      });
    }
  } finally {
    await client.close();
  }
}

async function profileBackend(
  plan: ComparePlan,
  label: string,
  topology: Topology,
  serve: ServeProcess,
  redisUrl: string | undefined,
  result: RunResult,
  log: Log,
): Promise<void> {
  const { scenario } = plan;
  const tool = scenario.profile === 'flame' ? 'flame' : 'doctor';
  const workload = plan.profileWorkload ?? plan.workloads[0]!;
  const ran = result.steps.filter((s) => s.backend === label && s.workload === workload);
  const best = [...ran].reverse().find((s) => s.slo.met) ?? ran[ran.length - 1];
  const target = scenario.profileStep !== undefined ? scenario.stepValues[scenario.profileStep] : best?.target;
  if (target === undefined) return;
  const port = await freeLoopbackPort();
  const command = serveCommand(
    {
      ...serve,
      workers: 1, // clinic profiles one process, whatever the topology measured
      ...(topology.cache && redisUrl && { cache: { redisUrl } }),
    },
    port,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  log(`compare: ${label}/${workload}: profiling one API process at ${target} RPS with clinic ${tool}…`);
  try {
    const profile = await profileServer(
      { tool, command, url: baseUrl, runDir: join(plan.resultsDir, result.runId), backend: label, workload, target },
      async () => {
        await runLadder({
          ...scenarioLadder(scenario, workload),
          backend: label,
          workload,
          baseUrl,
          values: [target],
          stopAfterFailedSteps: 0,
        });
      },
    );
    result.profiles.push(profile);
    log(profile.ok ? `compare: profile ${profile.htmlPath}` : `compare: profile failed: ${profile.error}`);
  } catch (error) {
    result.profiles.push({
      tool,
      backend: label,
      workload,
      target,
      ok: false,
      htmlPath: null,
      error: firstLine(error),
    });
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

/** Rows per table as fed to the loader (the fingerprint's count), else as the adapter reported them. */
function tableRows(
  tables: Record<string, { rows: number }> | undefined,
  loaded: Record<string, number>,
): Record<string, number> {
  if (tables) return Object.fromEntries(Object.entries(tables).map(([t, { rows }]) => [t, rows]));
  return { ...loaded };
}

/** `seeded catalog (...): 262762 rows in 1.4 s`, printed by `serve --seed`. */
function seedSeconds(output: string[], workload: string): number | undefined {
  for (const line of output) {
    const match = new RegExp(`^seeded ${workload} .* in ([\\d.]+) s$`).exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Bytes allocated under a directory (like `du -s`), following no links. */
async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile()) {
      try {
        const s = await stat(path);
        total += s.blocks * 512;
      } catch {
        // removed while walking (compaction, segment recycling)
      }
    }
  }
  return total;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').slice(0, 3).join(' | ');
}
