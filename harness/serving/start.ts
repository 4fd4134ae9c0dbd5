import { withCache } from '../../adapters/redis-cache/index.ts';
import type { Backend } from '../../core/backend.ts';
import { serve } from '../../core/http/index.ts';
import type { Logger } from '../../core/logging/index.ts';
import type { Workload } from '../../core/workloads/index.ts';
import { createBackend } from '../backends/index.ts';
import { workloadsFlag } from '../cli/flags.ts';
import { seedWorkload } from '../dataset/index.ts';
import { settleHeap } from '../load/heap.ts';
import { formatApiEvent } from '../protocol/api-events.ts';
import { reportPauses } from '../protocol/pause-reporter.ts';
import { serveInstances } from '../topology/index.ts';
import type { ServeConfig } from './config.ts';

/**
 * Serves the API as configured, and announces it with the `serving` event line (harness/protocol) once
 * it listens: one process (with its cluster workers), or `instances` processes behind nginx.
 * Returns once serving; signals end the process.
 */
export async function startServing(
  config: ServeConfig,
  /** The `STOREBENCH_*` variables equal to the flags given, for the processes started from this one. */
  flagsAsEnvironment: Record<string, string>,
  logger: Logger,
): Promise<void> {
  if (config.reportPauses) reportPauses();
  const workloads = config.seedWorkloads === undefined ? [] : workloadsFlag(config.seedWorkloads, '--seed-workloads');
  const seed = async (backend: Backend): Promise<void> => seedForServing(backend, workloads, config);
  const { backend: name } = config;

  if (config.instances > 1) {
    const running = await serveInstances({
      backend: name,
      ...(config.url && { url: config.url }),
      topology: {
        instances: config.instances,
        workers: config.workers,
        balancer: config.balancer,
        cache: config.cache === 'redis',
      },
      ...(config.redisUrl && { redisUrl: config.redisUrl }),
      migrate: config.migrate,
      experimentRoutes: config.experimentRoutes,
      // The instances are `serve` processes too: what was given as flags here reaches them as variables.
      env: flagsAsEnvironment,
      adapter: config.adapter,
      ...(workloads.length > 0 && {
        seedWorkloads: {
          workloads: workloads.map((w) => w.name),
          scale: config.scale,
          datasetSeed: config.datasetSeed,
        },
        seedOnce: seed,
      }),
      port: config.port,
    });
    console.log(formatApiEvent({ event: 'serving', backend: name, url: running.url, layout: running.layout }));
    return; // the process registry stops nginx and the instances on SIGTERM/SIGINT
  }
  const server = await serve({
    createBackend: async () => {
      const backend = await createBackend(name, config.url, config.adapter);
      if (config.cache !== 'redis' || config.redisUrl === undefined) return backend;
      return withCache(backend, { url: config.redisUrl }, { ttlSeconds: config.cacheTtlSeconds });
    },
    port: config.port,
    host: config.host,
    workers: config.workers,
    migrate: config.migrate,
    requireDatabase: config.requireDb,
    shutdownGraceMs: config.shutdownGraceMs,
    bodyLimitBytes: config.bodyLimitBytes,
    accessLogSample: config.accessLogSample,
    experimentRoutes: config.experimentRoutes,
    logger,
    ...(workloads.length > 0 && { seedPerProcess: name === 'memory', seed }),
  });
  const layout = `${config.workers} worker${config.workers > 1 ? 's' : ''}`;
  console.log(formatApiEvent({ event: 'serving', backend: name, url: server.url, layout }));
}

/** reset(), then each workload's data set, reported as `seeded` events; the generator's garbage goes now. */
async function seedForServing(backend: Backend, workloads: Workload[], config: ServeConfig): Promise<void> {
  await backend.reset();
  for (const workload of workloads) {
    const started = performance.now();
    const seeded = await seedWorkload(backend, workload, {
      scale: config.scale,
      datasetSeed: config.datasetSeed,
      fingerprint: false,
    });
    const rows = Object.values(seeded.load.rows).reduce((a, b) => a + b, 0);
    const seconds = Math.round(performance.now() - started) / 1000;
    console.log(formatApiEvent({ event: 'seeded', workload: workload.name, source: seeded.source, rows, seconds }));
  }
  settleHeap(); // not in the first measured seconds
}
