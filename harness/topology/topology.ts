import { createBackend, isBackendName, SERVER_OF } from '../backends/index.ts';
import type { Backend } from '../../core/backend.ts';
import { startApiProcess, type ApiProcess, type ApiProcessOptions } from './api-process.ts';
import { processTree } from '../load/index.ts';
import { summarizePauses } from '../protocol/pause-reporter.ts';
import type { PauseSummary } from '../results/index.ts';
import { startBalancer, type BalancerPolicy, type RunningBalancer } from './nginx.ts';

/** How the API is laid out on the machine: processes, workers per process, the balancer in front. */
export interface Topology {
  /** API processes; more than one puts nginx in front. */
  instances: number;
  /** Node cluster workers per process. */
  workers: number;
  balancer: BalancerPolicy;
  /** Redis read-through cache in every instance. */
  cache: boolean;
}

export const SINGLE_PROCESS: Topology = { instances: 1, workers: 1, balancer: 'least_conn', cache: false };

/**
 * Why the memory backend cannot be measured in this layout, or null: its data lives in each process,
 * so with several processes a write lands in one and a read in another misses it.
 */
export function memoryLayoutProblem(t: Topology): string | null {
  return t.instances > 1 || t.workers > 1
    ? `the memory backend keeps its data per process, so ${topologyLabel(t)} would not share writes between processes`
    : null;
}

/** A short label for results: `x1`, `x4 least_conn`, `x4 round_robin +redis`, `x1 w2`. */
export function topologyLabel(t: Topology): string {
  const parts = [`x${t.instances}`];
  if (t.workers > 1) parts.push(`w${t.workers}`);
  if (t.instances > 1) parts.push(t.balancer);
  if (t.cache) parts.push('+redis');
  return parts.join(' ');
}

/**
 * Parses `4:least_conn`, `4:round_robin:redis`, `1:redis`, `1:w2` (instances first, then any of a policy,
 * `redis`, `wN` in any order). Throws a RangeError naming the bad part.
 */
export function parseTopology(text: string, defaults: Partial<Topology> = {}): Topology {
  const [count, ...rest] = text.trim().split(':');
  const instances = Number(count);
  if (!Number.isInteger(instances) || instances < 1 || instances > 64) {
    throw new RangeError(`topology "${text}": instances must be an integer 1..64`);
  }
  const t: Topology = { ...SINGLE_PROCESS, ...defaults, instances };
  for (const part of rest) {
    if (part === 'least_conn' || part === 'round_robin') t.balancer = part;
    else if (part === 'redis') t.cache = true;
    else if (/^w\d+$/.test(part) && Number(part.slice(1)) >= 1) t.workers = Number(part.slice(1));
    else throw new RangeError(`topology "${text}": unknown part "${part}" (least_conn, round_robin, redis, wN)`);
  }
  return t;
}

export interface RunningTopology {
  /** Where clients send requests: nginx when there are several instances, else the one API. */
  url: string;
  apis: ApiProcess[];
  balancer: RunningBalancer | null;
  /** Milliseconds until every instance listened (includes self-seeding of the memory backend). */
  startupMs: number;
  /** Every process serving requests (API processes with their workers, nginx), for sampling. */
  pids(): number[];
  /** The root pids of those processes (each in its own process group). */
  rootPids(): number[];
  /** GC pauses and event-loop delay the API processes reported in a window (when started with reportPauses). */
  pauses(fromMs: number, toMs: number): PauseSummary;
  stop(): Promise<void>;
}

/**
 * Starts `instances` API processes (each `storebench serve` with `workers` cluster workers) and, when
 * there is more than one, nginx in front with the chosen policy. All on loopback; all registered for
 * cleanup on Ctrl-C.
 */
export async function startTopology(
  topology: Topology,
  api: Omit<ApiProcessOptions, 'workers' | 'cache'> & { redisUrl?: string; port?: number },
): Promise<RunningTopology> {
  if (topology.cache && !api.redisUrl) throw new Error('a cached topology needs a Redis URL');
  const started = performance.now();
  const { redisUrl, port, ...apiOptions } = api;
  if (topology.instances === 1 && port !== undefined && port !== 0) {
    throw new Error(
      'a single instance listens where `storebench serve --port` says; startTopology picks no port for it',
    );
  }
  const options: ApiProcessOptions = {
    ...apiOptions,
    workers: topology.workers,
    ...(topology.cache && redisUrl && { cache: { redisUrl } }),
  };
  const results = await Promise.allSettled(Array.from({ length: topology.instances }, () => startApiProcess(options)));
  const apis = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stopApis = async (): Promise<void> => {
    await Promise.allSettled(apis.map((a) => a.stop()));
  };
  if (failed) {
    await stopApis();
    throw failed.reason;
  }
  let balancer: RunningBalancer | null = null;
  if (topology.instances > 1) {
    try {
      balancer = await startBalancer(
        apis.map((a) => a.url),
        topology.balancer,
        port,
        api.host,
      );
    } catch (error) {
      await stopApis();
      throw error;
    }
  }
  return {
    url: balancer?.url ?? apis[0]!.url,
    apis,
    balancer,
    startupMs: Math.round(performance.now() - started),
    pids: () => [...apis.map((a) => a.pid), ...(balancer ? [balancer.pid] : [])].flatMap(processTree),
    rootPids: () => [...apis.map((a) => a.pid), ...(balancer ? [balancer.pid] : [])],
    pauses: (fromMs, toMs) =>
      summarizePauses(
        apis.flatMap((a) => a.events),
        fromMs,
        toMs,
      ),
    stop: async () => {
      await balancer?.stop();
      await stopApis();
    },
  };
}

/** What `storebench serve --instances N` asks for. */
export interface ServeInstancesOptions extends Omit<ApiProcessOptions, 'workers' | 'cache' | 'noMigrate'> {
  topology: Topology;
  redisUrl?: string;
  /** Migrate the database once here before the instances start (they then skip it). */
  migrate: boolean;
  /** Seed a database once here (the memory backend seeds in each instance instead, from seedWorkloads). */
  seedOnce?: (backend: Backend) => Promise<void>;
  /** Options of the adapter that migrates and seeds here (the instances get theirs from `env`). */
  adapter?: Record<string, unknown>;
  port: number;
}

/**
 * Several API processes behind nginx, for `storebench serve --instances N`: a database is migrated
 * and seeded once, here; a backend without a server (memory) keeps its data per process, so each
 * instance seeds itself.
 */
export async function serveInstances(options: ServeInstancesOptions): Promise<RunningTopology & { layout: string }> {
  const { topology, migrate, seedOnce, seedWorkloads, adapter, ...api } = options;
  const inProcess = !isBackendName(api.backend) || SERVER_OF[api.backend] === undefined;
  if (!inProcess && (migrate || seedOnce) && isBackendName(api.backend)) {
    const backend = await createBackend(api.backend, api.url, adapter);
    try {
      if (migrate) await backend.migrate();
      if (seedOnce) await seedOnce(backend);
    } finally {
      await backend.close();
    }
  }
  const running = await startTopology(topology, { ...api, ...(inProcess && seedWorkloads && { seedWorkloads }) });
  return { ...running, layout: `${topologyLabel(topology)} behind nginx` };
}
