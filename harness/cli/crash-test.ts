import { parseArgs } from 'node:util';
import {
  CRASH_TEST_BACKENDS,
  runCrashTest,
  type CrashTestBackend,
  type CrashTestResult,
  type WriteSummary,
} from '../fault/index.ts';
import { integerFlag, UsageError } from './flags.ts';

const HELP = `usage: storebench crash-test --backend ${CRASH_TEST_BACKENDS.join('|')} [--rate 200] [--seconds 20]
                            [--kill-after 8] [--down 1] [--java-heap 1G] [--json]

Does the backend keep every write it acknowledged when its database crashes? Starts the database natively
(local provisioner, fresh temp dir), migrates, serves the API in this process and writes steadily through it
(--rate writes/s, usages POSTs and overview creates in turn), records every 201 with what must read back,
kill -9's the database's whole process group after --kill-after seconds, keeps writing (failures must be
prompt 503s, never hangs), restarts the database on the SAME data dir after --down seconds, waits until writes
succeed again, writes on for --seconds in all (at least 2 s past recovery), then reads every acknowledged write
back. Stops the database and removes its dir at the end.

Prints a summary (with --json: the result as JSON): acknowledged, lost (acknowledged but gone or changed after
recovery), the errors by status, kill to first 503, restart to first 2xx. Exit status 0 when nothing was lost
and every failure was a prompt 503, 1 otherwise. A MongoDB-wire stand-in's figures are marked as such.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'kill-after': { type: 'string' },
      down: { type: 'string' },
      'java-heap': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const backend = values.backend;
  if (!backend || !(CRASH_TEST_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend must be one of ${CRASH_TEST_BACKENDS.join(', ')}`);
  }
  const rate = integerFlag(values.rate, '--rate', 200, 1);
  const seconds = integerFlag(values.seconds, '--seconds', 20, 1);
  const killAfterSeconds = integerFlag(values['kill-after'], '--kill-after', 8, 1);
  const downSeconds = integerFlag(values.down, '--down', 1, 0);
  if (killAfterSeconds >= seconds) throw new UsageError('--kill-after must be less than --seconds');

  const result = await runCrashTest({
    backend: backend as CrashTestBackend,
    rate,
    seconds,
    killAfterSeconds,
    downSeconds,
    ...(values['java-heap'] && { javaHeap: values['java-heap'] }),
    onProgress: (line) => console.error(`[crash-test] ${line}`),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : summary(result));
  const status = result.problems.length === 0 ? 0 : 1;
  // The Cassandra driver can keep a reconnection timer after its node was cut (adapters/cassandra/README.md):
  // the work is done, so do not let it hold the process.
  setTimeout(() => process.exit(status), 2_000).unref();
  return status;
}

const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`);

/** One phase's writes: how many, and how the failed ones failed. */
function phase(name: string, w: WriteSummary): string {
  const failed = Object.entries(w.byStatus).filter(([status]) => status !== '201');
  const failures = failed.map(([status, n]) => `${n} × ${status}`).join(', ');
  const slowest = failed.length > 0 ? `, slowest failure ${seconds(w.maxErrorLatencyMs)}` : '';
  return `  ${name}: ${w.sent} sent, ${w.acknowledged} acknowledged${failures ? `; ${failures}` : ''}${slowest}`;
}

/** The result as a reader wants it: the figures, then the verdict. */
function summary(r: CrashTestResult): string {
  const { acknowledged: ack, lost, timings: t, phases } = r;
  const standIn = r.standIn ? ' (a MongoDB-wire STAND-IN: its durability says nothing about MongoDB)' : '';
  const lines = [
    `crash test: ${r.backend} on ${r.server}${standIn}`,
    `  ${r.settings.rate} writes/s for ${r.settings.seconds} s, kill -9 at ${seconds(t.killAtMs)}, down ${r.settings.downSeconds} s`,
    phase('before the kill', phases.beforeKill),
    phase('outage (kill to first write acknowledged again)', phases.outage),
    phase('after recovery', phases.afterRecovery),
    `  kill to first 503 ${seconds(t.killToFirst503Ms)}; restart to answering ${seconds(t.restartToReadyMs)}; restart to first 2xx ${seconds(t.restartToFirst2xxMs)}`,
    `  acknowledged ${ack.total} (usages ${ack.usages}, overview ${ack.overview}); ` +
      `lost ${lost.total} (usages ${lost.usages}, overview ${lost.overview})${r.unreadable > 0 ? `; unreadable ${r.unreadable}` : ''}`,
  ];
  for (const sample of r.lostSamples.slice(0, 3)) {
    lines.push(
      `  lost: ${sample.write.path} acknowledged at ${seconds(sample.write.ackedAtMs)}, read ${sample.status}`,
    );
  }
  lines.push(r.problems.length === 0 ? 'PASS: nothing acknowledged was lost' : `FAIL: ${r.problems.join('; ')}`);
  return lines.join('\n');
}
