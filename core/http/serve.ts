import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../backend.ts';
import { silentLogger, type Logger } from '../logging/index.ts';
import { createApp, type AppOptions } from './app.ts';
import { createApiServer } from './http-server.ts';
import { alreadyPrepared, prepareInBackground, prepareNow, readiness, type Preparation } from './startup.ts';

export interface ServeOptions extends Omit<AppOptions, 'ready'> {
  createBackend: () => Promise<Backend>;
  port: number;
  /** Loopback by default: storebench only ever load-tests loopback addresses. */
  host?: string;
  /** Node cluster workers; 1 serves from this process. Workers re-run the same entry point and land here again. */
  workers?: number;
  /**
   * Run backend.migrate() before taking traffic (in the primary when clustered). Default true. The process
   * listens at once and migrates in the background, retrying with backoff while the database is down;
   * /readyz answers 503 until the migration is done.
   */
  migrate?: boolean;
  /**
   * Do not wait for the database: one attempt at the migration (or a ping without one) before listening,
   * and a DatabaseRequiredError when it fails.
   */
  requireDatabase?: boolean;
  /**
   * Fill the backend before serving: once (in the primary when clustered), or in every
   * serving process when `seedPerProcess` is set, as the memory backend needs since its
   * data lives in the process. Serving then waits for the database.
   */
  seed?: (backend: Backend) => Promise<void>;
  seedPerProcess?: boolean;
  /** How long in-flight requests get to finish on SIGTERM before connections are cut. Default 10 s. */
  shutdownGraceMs?: number;
  /** Install SIGTERM/SIGINT handlers. Default true; tests turn it off. */
  handleSignals?: boolean;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish, close the backend. */
  close(): Promise<void>;
}

/** The IPC message a cluster primary sends its workers once the migration is done. */
const PREPARED = { storebench: 'prepared' } as const;

/** Serve the API: one process, or a cluster primary that forks workers and forwards signals to them. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const workers = options.workers ?? 1;
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  if (workers > 1 && cluster.isPrimary) return servePrimary(options, workers, host, logger);
  const inWorker = cluster.isWorker;

  const backend = await options.createBackend();
  const migrate = options.migrate !== false;
  let preparation: Preparation;
  try {
    if (inWorker) preparation = migrate ? preparedByPrimary() : alreadyPrepared();
    else preparation = await prepareBeforeListening(backend, options, logger);
    if (options.seed && (options.seedPerProcess || !inWorker)) {
      await preparation.done;
      await options.seed(backend);
    }
  } catch (error) {
    await backend.close().catch(() => {}); // its connections must not keep a failed start-up alive
    throw error;
  }

  const app = createApp(backend, { ...options, logger, ready: readiness(preparation, () => backend.ping()) });
  const { server, drain } = createApiServer(app);
  server.listen(options.port, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const close = closeOnce(async () => {
    preparation.stop();
    await drain({ graceMs: options.shutdownGraceMs ?? 10_000 });
    await backend.close();
  });
  if (options.handleSignals !== false) exitOnSignals(close, logger);
  return { url: `http://${host}:${port}`, port, close };
}

/**
 * The start-up preparation of the process that owns it (not a cluster worker): with `requireDatabase`,
 * done now or failed; with a seed to load first, awaited by the caller; otherwise running in the background.
 */
async function prepareBeforeListening(backend: Backend, options: ServeOptions, logger: Logger): Promise<Preparation> {
  const migrate = options.migrate !== false;
  if (options.requireDatabase) {
    await prepareNow(`${backend.name}: ${migrate ? 'migrate' : 'ping'}`, () =>
      migrate ? backend.migrate() : backend.ping(),
    );
    return alreadyPrepared();
  }
  if (!migrate) return alreadyPrepared();
  return prepareInBackground(`${backend.name}: migrate`, () => backend.migrate(), logger);
}

/** In a cluster worker: done once the primary says the migration is (asked for, in case it said so before we listened). */
function preparedByPrimary(): Preparation {
  let done = false;
  const finished = new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { storebench?: unknown } | null)?.storebench !== PREPARED.storebench) return;
      done = true;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ storebench: 'prepared?' });
  });
  return { done: finished, isDone: () => done, lastError: () => undefined, stop: () => {} };
}

async function servePrimary(
  options: ServeOptions,
  workers: number,
  host: string,
  logger: Logger,
): Promise<RunningServer> {
  const sharedSeed = options.seed && !options.seedPerProcess;
  let preparation = alreadyPrepared();
  if (options.migrate !== false || sharedSeed || options.requireDatabase) {
    const backend = await options.createBackend();
    preparation = await prepareBeforeListening(backend, options, logger).catch(async (error: unknown) => {
      await backend.close().catch(() => {});
      throw error;
    });
    // The backend serves only the preparation (and the seed); it closes once they are over.
    const finished = (async () => {
      await preparation.done;
      if (sharedSeed) await options.seed!(backend);
    })().finally(() => backend.close());
    if (sharedSeed) await finished;
    else finished.catch((error: unknown) => logger.error({ err: error }, 'start-up preparation failed'));
  }
  cluster.on('message', (worker: Worker, message: unknown) => {
    if ((message as { storebench?: unknown } | null)?.storebench !== 'prepared?') return;
    void preparation.done.then(() => worker.isConnected() && worker.send(PREPARED));
  });
  const listening: Promise<number>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    listening.push(once(worker, 'listening').then(([address]) => (address as { port: number }).port));
  }
  const [port] = await Promise.all(listening);
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping)
      logger.error({ workerPid: worker.process.pid, exit: signal ?? code }, 'worker died; serving with fewer workers');
  });
  const close = closeOnce(async () => {
    stopping = true;
    preparation.stop();
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      alive.map((w) => {
        const exited = once(w, 'exit');
        w.process.kill('SIGTERM');
        return exited;
      }),
    );
  });
  if (options.handleSignals !== false) exitOnSignals(close, logger);
  return { url: `http://${host}:${port}`, port: port!, close };
}

function closeOnce(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= fn());
}

function exitOnSignals(close: () => Promise<void>, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: draining connections');
    close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
