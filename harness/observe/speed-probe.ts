import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DiskSyncProbe } from '../load/disk-probe.ts';
import type { MachineSpeedReading, SpeedOnCpus } from '../results/types.ts';
import { lowerMedian } from '../stats/index.ts';

const run = promisify(execFile);

export const PROBE_WARM_REPS = 3;
export const PROBE_REPS = 7;

/** What the probe runs, as recorded: change the version when the work changes, so readings stay comparable. */
export const SPEED_PROBE = `storebench cpu probe 1 (100,000 objects built, JSON round trip, Map, sort; ${PROBE_REPS} timed reps after ${PROBE_WARM_REPS})`;

/**
 * The probe's work, in a child process of its own (plain JavaScript: `node -e` does not go through the
 * TypeScript loader). Deterministic: the checksum is the same on every machine, only the time differs.
 * One rep is the kind of work an API does per request, scaled up: build objects, serialise and parse
 * them, count in a Map, sort. Prints `{ ms: [...], checksum }`.
 */
const KERNEL = `
function unit(seed) {
  let x = seed >>> 0;
  const totals = new Map();
  const rows = [];
  for (let i = 0; i < 100000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const row = { id: i, name: 'p' + (x % 1000), price: x % 997, tags: [x % 7, x % 11] };
    rows.push(row);
    totals.set(row.name, (totals.get(row.name) || 0) + row.price);
  }
  const text = JSON.stringify(rows);
  const back = JSON.parse(text);
  back.sort((a, b) => a.price - b.price || a.id - b.id);
  let hash = 0;
  for (const [name, total] of totals) hash = (Math.imul(hash, 31) + total + name.length) | 0;
  return (hash + back[0].id + text.length) | 0;
}
const warm = Number(process.argv[1]), reps = Number(process.argv[2]);
let checksum = 0;
const ms = [];
for (let r = 0; r < warm + reps; r++) {
  const started = performance.now();
  checksum = unit(1);
  if (r >= warm) ms.push(Math.round((performance.now() - started) * 100) / 100);
}
process.stdout.write(JSON.stringify({ ms, checksum }));
`;

/** One CPU set's timings of the fixed work: median, lowest and highest of the timed reps, in ms. */
export async function timeFixedWork(
  cpus: string | undefined,
  reps = PROBE_REPS,
): Promise<SpeedOnCpus & { checksum: number }> {
  const node = [process.execPath, '-e', KERNEL, String(PROBE_WARM_REPS), String(reps)];
  const [file, ...args] = cpus === undefined ? node : ['taskset', '-c', cpus, ...node];
  let stdout: string;
  try {
    ({ stdout } = await run(file!, args, { timeout: 120_000 }));
  } catch (error) {
    // Not execFile's message: it repeats the whole command line, the kernel's source included.
    const { code, signal, stderr } = error as { code?: number | string; signal?: string; stderr?: string };
    const why = stderr?.trim().split('\n')[0] || (error as Error).message.split('\n')[0];
    throw new Error(
      `the speed probe (${file === 'taskset' ? `taskset -c ${cpus} node` : 'node'}) failed (${signal ?? `exit ${code}`}): ${why}`,
    );
  }
  const { ms, checksum } = JSON.parse(stdout) as { ms: number[]; checksum: number };
  return {
    cpus: cpus ?? 'any',
    medianMs: lowerMedian(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    reps: ms.length,
    checksum,
  };
}

/**
 * How fast this machine is right now, measured while nothing of the run is running: the fixed work
 * on each CPU set of the placement in turn (the system under test's first: the one the figures
 * depend on most), then one second of 4 KiB write + fdatasync every 20 ms in the temp dir, where the
 * local databases keep their data (about 3 s in all on our 2-core machine). Figures of two runs are
 * comparable only as far as these agree: the same command's figures differed 2-10x between two of our
 * machines, and up to about 2x on one machine from one session to the next.
 */
export async function probeMachineSpeed(
  when: MachineSpeedReading['when'],
  placement: { role: string; cpus: string | undefined }[],
  trial?: number,
): Promise<MachineSpeedReading> {
  const cpus: MachineSpeedReading['cpus'] = [];
  for (const { role, cpus: set } of placement) {
    const { checksum: _checksum, ...timed } = await timeFixedWork(set);
    cpus.push({ role, ...timed });
  }
  const disk = new DiskSyncProbe({ intervalMs: 20 });
  disk.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const fsync = disk.stop();
  return { when, ...(trial !== undefined && { trial }), at: new Date().toISOString(), cpus, ...(fsync && { fsync }) };
}

/** When a reading was taken, in words: `at the start`, `before trial 2`, `at the end`. */
export function speedReadingWhen(reading: Pick<MachineSpeedReading, 'when' | 'trial'>): string {
  return reading.when === 'trial' ? `before trial ${reading.trial ?? '?'}` : `at the ${reading.when}`;
}

/**
 * A reading in words: `fixed work 101.5 ms on CPU 0 (system under test; 99.2-110.4), 100.1 ms on CPU 1
 * (load generator; 98.7-104); fsync p50 0.41 ms, max 2.3 ms`.
 */
export function describeSpeedReading(reading: MachineSpeedReading): string {
  const cpus = reading.cpus
    .map(
      (c) =>
        `${c.medianMs} ms ${c.cpus === 'any' ? 'unpinned' : `on CPU ${c.cpus}`} (${c.role}; ${c.minMs}-${c.maxMs})`,
    )
    .join(', ');
  const fsync = reading.fsync ? `; fsync p50 ${reading.fsync.p50Ms} ms, max ${reading.fsync.maxMs} ms` : '';
  return `fixed work ${cpus}${fsync}`;
}
