import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { javaBinary } from '../provision/install-paths.ts';
import { compilerShare, jitCompilerNs } from './jit.ts';

test('a process without JIT compiler threads (this Node process) reads as null, not as 0', () => {
  assert.equal(jitCompilerNs([process.pid]), null);
  assert.equal(jitCompilerNs([2 ** 22 + 17]), null, 'a pid that does not exist');
});

test('the compiler share: nanoseconds over wall time, never below 0, 0 when a reading is missing', () => {
  assert.equal(compilerShare(1e9, 1.5e9, 1000), 0.5);
  assert.equal(compilerShare(2e9, 1e9, 1000), 0, 'a retired compiler thread took its nanoseconds with it');
  assert.equal(compilerShare(null, 1e9, 1000), 0);
  assert.equal(compilerShare(1e9, 2e9, 0), 0);
});

/** A Java program that keeps a few methods hot, so HotSpot compiles them (C1, then C2). */
const SPIN = `public class Spin {
  static long mix(long x) { x ^= x << 13; x ^= x >>> 7; return x ^ (x << 17); }
  public static void main(String[] args) {
    long x = 1, until = System.currentTimeMillis() + 20000;
    while (System.currentTimeMillis() < until) { for (int i = 0; i < 100000; i++) x = mix(x + i); }
    System.out.println(x);
  }
}
`;

test('a real JVM: its compiler threads are found and their time grows while it compiles', async (t) => {
  const java = javaBinary();
  if (!java) {
    const reason = 'SKIPPED: no java (JAVA_HOME or PATH) to start a JVM';
    if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
    console.warn(`\n!!!!! ${reason} !!!!!\n`);
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'storebench-jit-'));
  writeFileSync(join(dir, 'Spin.java'), SPIN);
  // Source-file mode: javac runs inside the JVM first, which gives its compiler threads plenty to do.
  const child = spawn(java, ['-Xmx64m', join(dir, 'Spin.java')], { stdio: 'ignore' });
  try {
    let first: number | null = null;
    const deadline = Date.now() + 15_000;
    while (first === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      first = jitCompilerNs([child.pid!]);
    }
    assert.notEqual(first, null, 'the JVM has C1/C2 compiler threads');
    assert.ok(first! >= 0);
    let later = first!;
    while (later <= first! && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      later = jitCompilerNs([child.pid!]) ?? later;
    }
    assert.ok(later > first!, `compiler time grew (${first} -> ${later} ns)`);
    // The tree of a parent (here: this process) holds the JVM too.
    assert.ok((jitCompilerNs([process.pid]) ?? 0) > 0, 'found through the process tree of its parent');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
