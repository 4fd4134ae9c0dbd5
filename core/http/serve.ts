import cluster from 'node:cluster';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../backend.ts';
import { createApp, type AppOptions } from './app.ts';

export interface ServeOptions extends AppOptions {
  createBackend: () => Promise<Backend>;
  port: number;
  /** Loopback by default: storebench only ever load-tests loopback addresses. */
  host?: string;
  /** Node cluster workers; 1 serves from this process. Workers re-run the same entry point and land here again. */
  workers?: number;
  /** Run backend.migrate() once before serving (in the primary when clustered). Default true. */
  migrate?: boolean;
  /**
   * Fill the backend before serving: once (in the primary when clustered), or in every
   * serving process when `seedPerProcess` is set, as the memory backend needs since its
   * data lives in the process.
   */
  seed?: (backend: Backend) => Promise<void>;
  seedPerProcess?: boolean;
  /** How long in-flight requests get to finish on SIGTERM before connections are cut. Default 10 s. */
  shutdownGraceMs?: number;
  /** Install SIGTERM/SIGINT handlers. Default true; tests turn it off. */
  handleSignals?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish, close the backend. */
  close(): Promise<void>;
}

/** Serve the API: one process, or a cluster primary that forks workers and forwards signals to them. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const workers = options.workers ?? 1;
  const host = options.host ?? '127.0.0.1';
  if (workers > 1 && cluster.isPrimary) return servePrimary(options, workers, host);
  const inWorker = cluster.isWorker;

  const backend = await options.createBackend();
  if (options.migrate !== false && !inWorker) await backend.migrate();
  if (options.seed && (options.seedPerProcess || !inWorker)) await options.seed(backend);
  const server = createServer({ keepAliveTimeout: 65_000 }, createApp(backend, options));
  server.listen(options.port, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const close = closeOnce(async () => {
    await shutdownServer(server, options.shutdownGraceMs ?? 10_000);
    await backend.close();
  });
  if (options.handleSignals !== false) exitOnSignals(close);
  return { url: `http://${host}:${port}`, port, close };
}

async function servePrimary(options: ServeOptions, workers: number, host: string): Promise<RunningServer> {
  if (options.migrate !== false || (options.seed && !options.seedPerProcess)) {
    const backend = await options.createBackend();
    try {
      if (options.migrate !== false) await backend.migrate();
      if (options.seed && !options.seedPerProcess) await options.seed(backend);
    } finally {
      await backend.close();
    }
  }
  const listening: Promise<number>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    listening.push(once(worker, 'listening').then(([address]) => (address as { port: number }).port));
  }
  const [port] = await Promise.all(listening);
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) console.error(`worker ${worker.process.pid} died (${signal ?? code}); serving with fewer workers`);
  });
  const close = closeOnce(async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      alive.map((w) => {
        const exited = once(w, 'exit');
        w.process.kill('SIGTERM');
        return exited;
      }),
    );
  });
  if (options.handleSignals !== false) exitOnSignals(close);
  return { url: `http://${host}:${port}`, port: port!, close };
}

/** server.close() stops accepting and drops idle keep-alive sockets; busy ones get the grace period. */
async function shutdownServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive socket busy now becomes idle once its response is sent: sweep until all are gone.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}

function closeOnce(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= fn());
}

function exitOnSignals(close: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`shutdown after ${signal} failed`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
