import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../core/http/index.ts';
import type { Backend } from '../../core/backend.ts';
import { createBackend } from '../backends/index.ts';
import { LocalProvisioner, missingForLocal, type ProvisionedServer } from '../provision/index.ts';
import { crashServer, restartServer } from './crash.ts';
import { WriteLedger } from './ledger.ts';
import { readBack, type LostWrite } from './read-back.ts';
import { startSteadyWrites, summarizeWrites, type SteadyWrites, type WriteSummary } from './steady-writes.ts';

/** The backends whose database a crash test kills: each has a local server that can crash and restart. */
export const CRASH_TEST_BACKENDS = ['postgres', 'cassandra', 'mongo'] as const;
export type CrashTestBackend = (typeof CRASH_TEST_BACKENDS)[number];

/** Options of {@link runCrashTest}; the defaults are `storebench crash-test`'s. */
export interface CrashTestOptions {
  backend: CrashTestBackend;
  /** Writes per second, usages POSTs and overview creates in turn. Default 200. */
  rate?: number;
  /** Seconds of writes in all; they go on at least 2 s past the first write acknowledged after the restart. Default 20. */
  seconds?: number;
  /** Seconds of writes before the kill -9. Default 8. */
  killAfterSeconds?: number;
  /** Seconds the database stays dead before the restart. Default 1. */
  downSeconds?: number;
  /** A failed write answered later than this counts as not prompt. Default 6,000 ms (the adapters' 5 s deadline, plus slack). */
  promptErrorMs?: number;
  /** JVM heap of Cassandra or the MongoDB-wire server. Default the provisioner's. */
  javaHeap?: string;
  /** Progress, one line at a time. */
  onProgress?: (line: string) => void;
}

/** The writes of one phase of a crash test, by when they were sent. */
export interface CrashTestPhases {
  /** Sent before the kill (the database was up). */
  beforeKill: WriteSummary;
  /** Sent from the kill until the first write acknowledged after the restart: each must fail as a prompt 503. */
  outage: WriteSummary;
  /** Sent after recovery. */
  afterRecovery: WriteSummary;
}

/** What a crash test found. Times are ms; null where the event never came. */
export interface CrashTestResult {
  backend: CrashTestBackend;
  /** What answered, as the adapter describes it, durability setting included (e.g. `… (commitlog_sync batch)`). */
  server: string;
  /** True for a MongoDB-wire stand-in: its figures say nothing about MongoDB. */
  standIn: boolean;
  settings: Required<Omit<CrashTestOptions, 'backend' | 'javaHeap' | 'onProgress'>>;
  writes: WriteSummary;
  phases: CrashTestPhases;
  acknowledged: { total: number; usages: number; overview: number };
  /** Acknowledged writes gone (404) or changed after recovery. */
  lost: { total: number; usages: number; overview: number };
  /** Up to 10 lost writes, for a look. */
  lostSamples: LostWrite[];
  /** Acknowledged writes still failing to read after retries (neither proven kept nor lost). */
  unreadable: number;
  timings: {
    /** From the start of the writes to the kill: killAfterSeconds, or later if the writes were still failing then. */
    killAtMs: number;
    /** kill -9 sent to the last process of the database gone. */
    killMs: number;
    killToFirst503Ms: number | null;
    /** restart begun to the database answering a real query (its recovery included). */
    restartToReadyMs: number;
    restartToFirst2xxMs: number | null;
  };
  /** Why the run breaks the promise (empty when it keeps it): lost writes, outage failures other than prompt 503s, no recovery. */
  problems: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The API on `backend` in this process, on a free loopback port; 5xx causes are not printed (the result counts them). */
async function serveInProcess(backend: Backend): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer({ keepAliveTimeout: 65_000 }, createApp(backend));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Waits until the last second's writes were all acknowledged (at most `limitMs`): a kill is only a clean
 * test of recovery when the database kept up before it. False if it never did.
 */
async function untilHealthy(writes: SteadyWrites, limitMs: number): Promise<boolean> {
  const deadline = writes.now() + limitMs;
  for (;;) {
    const now = writes.now();
    const recent = writes.outcomes().filter((o) => o.sentAtMs >= now - 2_000 && o.sentAtMs < now - 1_000);
    if (recent.length > 0 && recent.every((o) => o.status === 201)) return true;
    if (now > deadline) return false;
    await sleep(200);
  }
}

/**
 * Starts the backend's database natively, migrates, writes steadily through the real API, kill -9's the
 * database, restarts it on the same data dir, and reads every acknowledged write back.
 */
export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestResult> {
  const settings = {
    rate: options.rate ?? 200,
    seconds: options.seconds ?? 20,
    killAfterSeconds: options.killAfterSeconds ?? 8,
    downSeconds: options.downSeconds ?? 1,
    promptErrorMs: options.promptErrorMs ?? 6_000,
  };
  const progress = options.onProgress ?? (() => {});
  const missing = missingForLocal(options.backend);
  if (missing) throw new Error(`cannot start ${options.backend} locally: missing ${missing}`);

  progress(`starting ${options.backend}…`);
  const database: ProvisionedServer = await new LocalProvisioner().start(options.backend, {
    ...(options.javaHeap && { javaHeap: options.javaHeap }),
  });
  try {
    const backend = await createBackend(options.backend, database.endpoint.url);
    await backend.migrate();
    await backend.reset();
    const server = await backend.serverVersion();
    const api = await serveInProcess(backend);
    try {
      const startup = (database.startupMs / 1000).toFixed(1);
      progress(`${server} up in ${startup} s; writing ${settings.rate}/s through ${api.url}`);
      const ledger = new WriteLedger();
      const writes = startSteadyWrites({ url: api.url, rate: settings.rate, ledger });

      await sleep(settings.killAfterSeconds * 1000);
      if (!(await untilHealthy(writes, 60_000))) progress('writes still failing after 60 s more: killing anyway');
      const { killedAtMs, killMs } = await crashServer(database, writes.now);
      progress(`kill -9 at ${(killedAtMs / 1000).toFixed(1)} s with ${ledger.size} writes acknowledged`);
      const first503 = writes.firstAnswer(killedAtMs, (o) => o.status === 503, 60_000);

      await sleep(settings.downSeconds * 1000);
      const { restartedAtMs, readyMs } = await restartServer(database, writes.now);
      progress(`restarted on the same data; answering after ${(readyMs / 1000).toFixed(1)} s`);
      const first2xx = await writes.firstAnswer(restartedAtMs, (o) => o.status === 201, 120_000);

      const endMs = Math.max(settings.seconds * 1000, (first2xx?.answeredAtMs ?? 0) + 2_000);
      await sleep(Math.max(0, endMs - writes.now()));
      const summary = await writes.stop();
      progress(`${summary.sent} writes sent, ${summary.acknowledged} acknowledged; reading them back…`);
      const read = await readBack(api.url, ledger);

      const lost = { total: read.lost.length, usages: 0, overview: 0 };
      for (const { write } of read.lost) lost[write.workload]++;
      const firstError = await first503;
      const recoveredAtMs = first2xx?.answeredAtMs ?? Infinity;
      const sentIn = (from: number, to: number) =>
        summarizeWrites(writes.outcomes().filter((o) => o.sentAtMs >= from && o.sentAtMs < to));
      const result: CrashTestResult = {
        backend: options.backend,
        server,
        standIn: options.backend === 'mongo' && !/^MongoDB /.test(server),
        settings,
        writes: summary,
        phases: {
          beforeKill: sentIn(0, killedAtMs),
          outage: sentIn(killedAtMs, recoveredAtMs),
          afterRecovery: sentIn(recoveredAtMs, Infinity),
        },
        acknowledged: { total: ledger.size, ...ledger.counts() },
        lost,
        lostSamples: read.lost.slice(0, 10),
        unreadable: read.unreadable.length,
        timings: {
          killAtMs: killedAtMs,
          killMs,
          killToFirst503Ms: firstError ? firstError.answeredAtMs - killedAtMs : null,
          restartToReadyMs: readyMs,
          restartToFirst2xxMs: first2xx ? first2xx.answeredAtMs - restartedAtMs : null,
        },
        problems: [],
      };
      result.problems = problemsOf(result);
      return result;
    } finally {
      await api.close();
      await backend.close().catch(() => {});
    }
  } finally {
    await database.stop();
  }
}

/** Where a run breaks the promise: no acknowledged write lost, an outage costs prompt 503s only, writes come back. */
function problemsOf(result: CrashTestResult): string[] {
  const problems: string[] = [];
  const { lost, acknowledged, phases, settings, timings } = result;
  if (lost.total > 0) problems.push(`${lost.total} of ${acknowledged.total} acknowledged writes lost`);
  if (result.unreadable > 0) problems.push(`${result.unreadable} acknowledged writes unreadable after recovery`);
  const other = Object.entries(phases.outage.byStatus).filter(([status]) => status !== '201' && status !== '503');
  if (other.length > 0) {
    problems.push(`outage writes failing other than 503: ${other.map(([status, n]) => `${n} × ${status}`).join(', ')}`);
  }
  if (phases.outage.maxErrorLatencyMs > settings.promptErrorMs) {
    const slowest = (phases.outage.maxErrorLatencyMs / 1000).toFixed(1);
    problems.push(`an outage write took ${slowest} s to fail (more than ${settings.promptErrorMs} ms)`);
  }
  if (timings.killToFirst503Ms === null) problems.push('no 503 after the kill');
  if (timings.restartToFirst2xxMs === null) problems.push('no write acknowledged after the restart');
  return problems;
}
