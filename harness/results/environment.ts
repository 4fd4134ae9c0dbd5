import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import type { EnvironmentInfo } from './types.ts';
import { roundTo } from '../stats/round.ts';

/** What this machine and Node are; server versions come from the caller (the provisioner knows them). */
export function describeEnvironment(serverVersions: Record<string, string> = {}): EnvironmentInfo {
  const cpus = os.cpus();
  const info: EnvironmentInfo = {
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryTotalBytes: os.totalmem(),
    os: { platform: os.platform(), release: os.release(), distro: distroName() },
    node: process.version,
    loadGenerator: { openModel: 'storebench open-loop driver 1', closedModel: 'storebench closed-loop driver 1' },
    serverVersions,
  };
  const reclaim = memoryReclaim();
  if (reclaim) info.memoryReclaim = reclaim;
  return info;
}

function distroName(): string | null {
  try {
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether this kernel evicts memory that has not been touched for a while, and after how long: a DAMON
 * scheme whose action is `pageout` (the sysfs interface, kdamonds that are on) or the DAMON_RECLAIM
 * module. Null when neither is on. On our 2-core machines a kdamond pages out any physical memory idle
 * for 60 s: a file a paused database last read a minute ago is no longer in the page cache, and its next
 * trial reads it from storage.
 */
export function memoryReclaim(sys = '/sys'): string | null {
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'latin1').trim();
    } catch {
      return null;
    }
  };
  const list = (path: string): string[] => {
    try {
      return readdirSync(path).filter((name) => /^\d+$/.test(name));
    } catch {
      return [];
    }
  };
  const found: string[] = [];
  const kdamonds = join(sys, 'kernel/mm/damon/admin/kdamonds');
  for (const k of list(kdamonds)) {
    if (read(join(kdamonds, k, 'state')) !== 'on') continue;
    for (const c of list(join(kdamonds, k, 'contexts'))) {
      const context = join(kdamonds, k, 'contexts', c);
      const aggrUs = Number(read(join(context, 'monitoring_attrs/intervals/aggr_us')));
      for (const s of list(join(context, 'schemes'))) {
        const scheme = join(context, 'schemes', s);
        if (read(join(scheme, 'action')) !== 'pageout') continue;
        const minAge = Number(read(join(scheme, 'access_pattern/age/min')));
        const idle = Number.isFinite(aggrUs * minAge) ? `${roundTo((aggrUs * minAge) / 1e6, 1)} s` : 'a while';
        found.push(`DAMON (kdamond ${k}) pages out memory not accessed for ${idle} or more`);
      }
    }
  }
  const reclaim = join(sys, 'module/damon_reclaim/parameters');
  if (read(join(reclaim, 'enabled')) === 'Y') {
    const minAgeUs = Number(read(join(reclaim, 'min_age')));
    const idle = Number.isFinite(minAgeUs) ? `${roundTo(minAgeUs / 1e6, 1)} s` : 'a while';
    found.push(`DAMON_RECLAIM pages out memory not accessed for ${idle} or more`);
  }
  return found.length > 0 ? found.join('; ') : null;
}

