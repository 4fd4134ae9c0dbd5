import type { BackendName } from '../backends/index.ts';
import { clearCache } from '../../adapters/redis-cache/index.ts';
import { workload as workloadNamed } from '../../core/workloads/index.ts';
import { processTree } from '../load/index.ts';
import type { DatasetRecord, RunResult } from '../results/index.ts';
import type { LoadTarget } from '../runner/index.ts';
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

export interface LayoutContext {
  plan: ComparePlan;
  backend: BackendName;
  label: string;
  topology: Topology;
  /** The database (absent for memory, which seeds itself in each API process). */
  database?: { url: string; pid?: number };
  redisUrl?: string;
  /** Data sets seeded into the database, by workload; the memory backend's are filled in on first start. */
  seeded: Map<string, DatasetRecord>;
  result: RunResult;
  /** Every verification, in order (all ok unless the run stopped on a difference). */
  verified: VerifyReport[];
  log: (line: string) => void;
}

/**
 * One API layout of one backend as a load target: opening it starts the processes (cold cache),
 * checks every workload answers like the memory reference (a difference throws
 * VerifyMismatchError and stops the run) and records the data sets; closing stops them.
 */
export function layoutTarget(ctx: LayoutContext): LoadTarget {
  const { plan, topology, label } = ctx;
  const { settings, scenario } = plan;
  // How every API process of this layout (and the profiled one) is started.
  const serve: Omit<ApiProcessOptions, 'workers' | 'cache'> = {
    backend: ctx.backend,
    experimentRoutes: scenario.slowFraction > 0,
    ...(ctx.database && { url: ctx.database.url }),
    ...(!ctx.database && {
      seedWorkloads: { workloads: plan.workloads, scale: settings.scale, datasetSeed: settings.datasetSeed },
    }),
  };
  return {
    label,
    open: async () => {
      // A cached layout starts cold: no values left by another backend or an earlier layout.
      if (topology.cache && ctx.redisUrl) await clearCache(ctx.redisUrl);
      let api: RunningTopology;
      try {
        api = await startTopology(topology, { ...serve, ...(ctx.redisUrl && { redisUrl: ctx.redisUrl }) });
      } catch (error) {
        throw new LayoutUnavailableError(`the API (${topologyLabel(topology)}) did not start: ${firstLine(error)}`);
      }
      try {
        const up = (api.startupMs / 1000).toFixed(1);
        ctx.log(`compare: ${label}: API at ${api.url} (${topologyLabel(topology)}, up in ${up} s)`);
        await verifyLayout(ctx, api);
      } catch (error) {
        await api.stop();
        throw error;
      }
      const dbPid = ctx.database?.pid;
      return {
        url: api.url,
        serverPids: () => api.pids(),
        ...(dbPid !== undefined && { databasePids: () => processTree(dbPid) }),
        close: () => api.stop(),
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

/** Same answers as the reference, workload by workload; then the layout's data sets go into the result. */
async function verifyLayout(ctx: LayoutContext, api: RunningTopology): Promise<void> {
  const { settings } = ctx.plan;
  for (const name of ctx.plan.workloads) {
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
  ctx.result.datasets.push(...[...ctx.seeded.values()].map((d) => ({ ...d, backend: ctx.label })));
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').slice(0, 3).join(' | ');
}
