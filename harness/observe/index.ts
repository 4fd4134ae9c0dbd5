import type { StepObservations } from '../load/index.ts';
import { serverKind, type ServerEndpoint } from '../provision/index.ts';
import { JvmGcLog } from './jvm-gc.ts';

export { compilerShare, jitCompilerNs } from './jit.ts';
export { JvmGcLog, parseGcLine, type JvmPause } from './jvm-gc.ts';
export { PostgresWaitSampler } from './postgres-waits.ts';
export { filesUnder, mappedFiles, warmPageCache } from './page-cache.ts';
export { describeSpeedReading, probeMachineSpeed, speedReadingWhen, SPEED_PROBE } from './speed-probe.ts';

/** What the harness can watch of a database server during steps: started while it is measured, stopped before it is paused. */
export interface DatabaseObserver {
  start(): Promise<void>;
  stop(): void;
  close(): Promise<void>;
  observe(window: { fromMs: number; toMs: number }): Promise<StepObservations>;
}

/**
 * The observer of a server: the JVM's GC pauses when it logs them (local Cassandra and the
 * MongoDB-wire stand-in), else what its server kind can watch (PostgreSQL's wait events); none
 * for servers that offer neither.
 */
export function databaseObserver(endpoint: ServerEndpoint): DatabaseObserver | undefined {
  if (endpoint.gcLog) {
    const log = new JvmGcLog(endpoint.gcLog);
    return {
      start: () => Promise.resolve(),
      stop: () => undefined,
      close: () => Promise.resolve(),
      observe: (w) => Promise.resolve({ pauses: { database: log.pauses(w.fromMs, w.toMs) } }),
    };
  }
  const watcher = serverKind(endpoint.kind).watch?.(endpoint);
  if (!watcher) return undefined;
  return {
    start: () => watcher.start(),
    stop: () => watcher.stop(),
    close: () => watcher.close(),
    observe: (w) => Promise.resolve({ databaseWaits: watcher.waits(w.fromMs, w.toMs) }),
  };
}
