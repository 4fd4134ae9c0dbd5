import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseApiEvent, type ApiEvent } from '../protocol/api-events.ts';
import { killGroup, registerOwned } from '../provision/process-registry.ts';
import type { ServerHost } from '../provision/index.ts';

/** The CLI entry point, so the API runs as its own process (sampled apart from the load generator). */
export const STOREBENCH_BIN = fileURLToPath(new URL('../../bin/storebench.mjs', import.meta.url));

export interface ApiProcessOptions {
  backend: string;
  /** Database URL (absent for memory). */
  url?: string;
  workers?: number;
  /** Workloads the server seeds itself before listening (the memory backend's data lives in the process). */
  seedWorkloads?: { workloads: string[]; scale: string | number; datasetSeed: number };
  cache?: { redisUrl: string };
  /** Mount the experiment routes (the deliberately slow request class). */
  experimentRoutes?: boolean;
  /** Report GC pauses and event-loop delay as event lines (`serve --report-pauses`). */
  reportPauses?: boolean;
  /** Skip migrate() (the harness migrated and seeded already). Default true. */
  noMigrate?: boolean;
  /** Give up when the server does not listen within this many ms. Default 300 s (seeding memory at full scale). */
  startTimeoutMs?: number;
  /** Variables added to the server's environment (`STOREBENCH_*` configuration). */
  env?: Record<string, string>;
  /** Run it on this host of a storebench network (its namespace, listening on its address) instead of loopback. */
  host?: ServerHost;
  /** V8 flags for this process, after API_NODE_FLAGS (the placement's, harness/placement). */
  nodeFlags?: string[];
}

export interface ApiProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to listening (includes seeding when the server seeds itself). */
  startupMs: number;
  /** The last lines the server printed (stdout and stderr), for error messages. */
  output: string[];
  /** What the server reported about itself (seeding, serving), in order. */
  events: ApiEvent[];
  /** The command that started it, for reproduction and for profiling under clinic. */
  command: string[];
  stop(): Promise<void>;
}

/**
 * V8 flags of every API process the harness starts, whatever the backend: none, so the API is measured as
 * operators run it (docker/api.Dockerfile, deploy/kubernetes pass none either); a placement that puts the
 * API on one CPU with the database adds `--single-threaded-gc` (ApiProcessOptions.nodeFlags). Until 2026-11-23 this was
 * `--max-semi-space-size=64` (a 64 MB young generation instead of 16 MB), chosen when the API shared both
 * cores with the load generator, against 250-400 ms full-collection stalls at 4,000 RPS. With the API
 * pinned to one core it made every young-generation collection long: memory backend with the three small
 * data sets, usages at 1,000-2,000 RPS, 30 s of load per run, scavenges under load (count, mean, max):
 * 64 MB 52-66, 30-34 ms, 43 ms; 16 MB (the default) 203, 9 ms, 26 ms; 4 MB 778, 4 ms, 12 ms; one
 * mark-compact of 16-20 ms in each. p99 at 2,000 RPS: 30-44 ms with 64 MB (3 runs), 13-15 ms with 16 MB
 * (2 runs): with a 50 ms SLO, a 30 ms pause twice a second put the control row's p99 on the edge at every
 * rate, and small differences between processes decided its figure.
 */
export const API_NODE_FLAGS: string[] = [];

/** The `storebench serve` command line for these options, listening on `port` (0: any free port). */
export function serveCommand(options: ApiProcessOptions, port: number): string[] {
  const args = [
    'node',
    ...API_NODE_FLAGS,
    ...(options.nodeFlags ?? []),
    STOREBENCH_BIN,
    'serve',
    '--backend',
    options.backend,
    '--port',
    String(port),
  ];
  if (options.url) args.push('--url', options.url);
  if (options.host) args.push('--host', options.host.address);
  if (options.workers && options.workers > 1) args.push('--workers', String(options.workers));
  if (options.noMigrate !== false) args.push('--no-migrate');
  if (options.experimentRoutes) args.push('--experiment-routes');
  if (options.reportPauses) args.push('--report-pauses');
  if (options.cache) args.push('--cache', 'redis', '--redis-url', options.cache.redisUrl);
  if (options.seedWorkloads) {
    const { workloads, scale, datasetSeed } = options.seedWorkloads;
    args.push('--seed-workloads', workloads.join(','), '--scale', String(scale), '--dataset-seed', String(datasetSeed));
  }
  return args;
}

/**
 * Starts `storebench serve` as a child process in its own process group, waits for its `serving`
 * event (harness/protocol/api-events.ts), and registers it so Ctrl-C never leaves it running.
 */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const command = serveCommand(options, 0);
  const started = performance.now();
  const argv = [
    ...(options.host ? ['ip', 'netns', 'exec', options.host.namespace] : []),
    process.execPath,
    ...command.slice(1),
  ];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, NO_INSIGHT: '1' },
  });
  const pid = child.pid!;
  const output: string[] = [];
  const events: ApiEvent[] = [];
  const remember = (line: string): void => {
    output.push(line);
    if (output.length > 40) output.shift();
  };
  createInterface({ input: child.stderr! }).on('line', remember);
  // Pause reports arrive all run long: keep the last 15 minutes of them, every other event for good.
  const keep = (event: ApiEvent): void => {
    events.push(event);
    if (event.event !== 'gc' && event.event !== 'loop') return;
    const horizon = event.atMs - 15 * 60_000;
    if (events.length > 20_000) {
      const kept = events.filter((e) => (e.event !== 'gc' && e.event !== 'loop') || e.atMs >= horizon);
      events.splice(0, events.length, ...kept);
    }
  };
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const unregister = registerOwned({ pid, dirs: [], stop });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "serving" event within ${options.startTimeoutMs ?? 300_000} ms`)),
      options.startTimeoutMs ?? 300_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseApiEvent(line);
      if (event) keep(event);
      if (event?.event !== 'gc' && event?.event !== 'loop') remember(line);
      if (event?.event === 'serving') {
        clearTimeout(timer);
        resolve(event.url);
      }
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before listening`));
    });
  }).catch(async (error: Error) => {
    await stop();
    unregister();
    throw new Error(`storebench serve --backend ${options.backend}: ${error.message}\n  ${output.join('\n  ')}`);
  });
  return {
    url,
    pid,
    startupMs: Math.round(performance.now() - started),
    output,
    events,
    command,
    stop: async () => {
      await stop();
      unregister();
    },
  };
}
