import { readdirSync, readFileSync } from 'node:fs';
import { processTree, readSchedstat } from '../load/index.ts';

/** HotSpot names its JIT compiler threads `C1 CompilerThread0`, `C2 CompilerThread1`… (the kernel keeps 15 characters). */
const COMPILER_THREAD = /^C[12] CompilerThre/;

/**
 * Nanoseconds the JIT compiler threads of these process trees have spent on a CPU so far (schedstat),
 * or null when no process in them has such a thread (not a HotSpot JVM: PostgreSQL, Node). HotSpot
 * adds and retires compiler threads as its queue grows and shrinks, and a retired thread takes its
 * nanoseconds with it: compare two readings with `compilerShare`, which never goes below 0.
 */
export function jitCompilerNs(rootPids: readonly number[]): number | null {
  let total = 0;
  let found = false;
  for (const pid of new Set(rootPids.flatMap((root) => processTree(root)))) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone, or not Linux
    }
    for (const tid of tids) {
      try {
        if (!COMPILER_THREAD.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'latin1'))) continue;
        const figures = readSchedstat(`/proc/${pid}/task/${tid}/schedstat`);
        if (!figures) continue;
        total += figures[0];
        found = true;
      } catch {
        // the thread exited between the listing and the read
      }
    }
  }
  return found ? total : null;
}

/** The share of one core the compiler threads used between two readings `wallMs` apart (0 when unknown). */
export function compilerShare(before: number | null, after: number | null, wallMs: number): number {
  if (before === null || after === null || wallMs <= 0) return 0;
  return Math.max(0, after - before) / (wallMs * 1e6);
}
