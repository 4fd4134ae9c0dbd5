import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { processTree } from '../load/index.ts';
import { killGroup } from '../provision/process-registry.ts';
import type { PlacementRecord } from '../results/index.ts';

/**
 * Where the load generator and the system under test run. `pinned`: each gets CPUs of its own
 * (taskset), so the generator never queues behind the API or the database and their pauses do not
 * become the generator's; `shared`: the scheduler places everything.
 */
export interface Placement {
  mode: 'pinned' | 'shared';
  /** CPU lists as taskset takes them, e.g. `1` and `0`. */
  loadGenerator: string;
  systemUnderTest: string;
  note?: string;
  /**
   * V8 flags for every API process: `--single-threaded-gc` when the system under test has one CPU, so
   * the API shares it with the database. V8 then marks on the API's own thread in steps of a few ms
   * instead of starting helper threads that the scheduler runs on that one core for tens of ms at a
   * time, taking it from the API and the database alike; on a host with spare cores (production, or
   * a larger machine here) those threads run beside the request path, so concurrent marking on one
   * shared core is an artifact of this placement. Measured on the 2-core machine (Cassandra catalog,
   * 6 s steps, 420-1,000 RPS, 20 steps per setting): steps holding a major collection met the SLO
   * 8 of 10 with the flag, 7 of 16 without; at 1,000 RPS 4 of 5 steps against 0 of 5
   * (docs/reproducibility.md, sixth round).
   */
  apiNodeFlags: string[];
}

/** The API's V8 flags for a placement whose system under test has these CPUs (see Placement.apiNodeFlags). */
export function apiNodeFlagsFor(mode: 'pinned' | 'shared', systemUnderTest: string): string[] {
  return mode === 'pinned' && /^\d+$/.test(systemUnderTest) ? ['--single-threaded-gc'] : [];
}

/**
 * The placement for this machine: with `pinned` asked (the default) and taskset present on a
 * machine of 2+ CPUs, a quarter of the CPUs (at least one, the highest numbered) for the load
 * generator and the rest for the system under test; otherwise shared, with the reason.
 */
export function planPlacement(mode: 'pinned' | 'shared' = 'pinned'): Placement {
  const cpus = os.cpus().length;
  const all = cpus > 1 ? `0-${cpus - 1}` : '0';
  const shared = (note: string): Placement => ({
    mode: 'shared',
    loadGenerator: all,
    systemUnderTest: all,
    note,
    apiNodeFlags: [],
  });
  if (mode === 'shared') return shared('asked for');
  if (cpus < 2) return shared('one CPU only');
  if (!hasTaskset()) return shared('taskset (util-linux) not found');
  const generator = Math.max(1, Math.floor(cpus / 4));
  const first = cpus - generator;
  const systemUnderTest = first === 1 ? '0' : `0-${first - 1}`;
  return {
    mode: 'pinned',
    loadGenerator: generator === 1 ? String(first) : `${first}-${cpus - 1}`,
    systemUnderTest,
    apiNodeFlags: apiNodeFlagsFor('pinned', systemUnderTest),
  };
}

export function placementRecord(p: Placement): PlacementRecord {
  return {
    mode: p.mode,
    loadGeneratorCpus: p.loadGenerator,
    systemUnderTestCpus: p.systemUnderTest,
    ...(p.note && { note: p.note }),
    ...(p.apiNodeFlags.length > 0 && { apiNodeFlags: p.apiNodeFlags }),
  };
}

let tasksetFound: boolean | undefined;
function hasTaskset(): boolean {
  if (tasksetFound === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetFound = true;
    } catch {
      tasksetFound = false;
    }
  }
  return tasksetFound;
}

/** Pins every thread of every process of the trees rooted at `roots` to `cpus`; processes started later inherit it. */
export function pinTrees(roots: number[], cpus: string): void {
  for (const pid of roots.flatMap(processTree)) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    } catch {
      // exited meanwhile
    }
  }
}

/**
 * Runs `start` with this process's main thread on the system under test's CPUs, so the servers it spawns
 * start there (a child inherits the CPU set of the thread that forks it, and Node forks on its main
 * thread): a JVM sizes its GC and compiler threads once, for the CPUs it sees at start, and would
 * otherwise size them for the load generator's CPUs and keep that size once moved. Only the main
 * thread moves (taskset without -a), and back to the load generator's CPUs afterwards.
 */
export async function startingOnSystemUnderTest<T>(p: Placement, start: () => Promise<T>): Promise<T> {
  if (p.mode !== 'pinned') return start();
  const mainThread = (cpus: string) =>
    execFileSync('taskset', ['-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  mainThread(p.systemUnderTest);
  try {
    return await start();
  } finally {
    mainThread(p.loadGenerator);
  }
}

/** Pins this process (the load generator) when the placement is pinned. */
export function pinLoadGenerator(p: Placement): void {
  if (p.mode === 'pinned') pinTrees([process.pid], p.loadGenerator);
}

/**
 * Stops (SIGSTOP) or continues (SIGCONT) the process groups of `roots`: a paused server uses no
 * CPU at all while other targets are measured, and keeps its memory, caches and JIT state.
 */
export function signalGroups(roots: number[], signal: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of roots) killGroup(pid, signal);
}
