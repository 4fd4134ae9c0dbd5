// For the cluster and fault tests: what they need to run, and what a cluster may leave behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { netnsUnavailableReason } from '../../network/index.ts';
import { missingForLocal } from '../index.ts';

/** What the cluster tests need; under CI=true a missing piece is a failure. */
export function clusterSkipReason(kind: 'postgres' | 'cassandra', netns: boolean): string | undefined {
  const missing = [missingForLocal(kind), netns ? netnsUnavailableReason({ delay: false }) : null].filter(Boolean);
  if (missing.length === 0) return undefined;
  const reason = `SKIPPED: ${missing.join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return reason;
}

/** Temp dirs of cluster members (`storebench-pg-*`, `storebench-cassandra-node*`). */
export function memberDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => /^storebench-(pg-|cassandra-node)/.test(d));
}

/** Live processes whose command line mentions one of `dirs`. */
export function processesIn(dirs: string[]): number[] {
  if (dirs.length === 0) return [];
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return dirs.some((d) => cmdline.includes(d));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Namespaces a process created (named after its pid). */
export function namespacesOf(pid: number): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`storebench-${pid}-`));
}

/** No process runs on the member dirs and the dirs are gone. */
export function assertMembersGone(dirs: string[]): void {
  assert.deepEqual(processesIn(dirs), [], 'no server left on the member dirs');
  assert.deepEqual(
    dirs.filter((d) => existsSync(`${tmpdir()}/${d}`)),
    [],
    'no member dir left',
  );
}
