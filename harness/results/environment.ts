import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { EnvironmentInfo } from './types.ts';

/** What this machine and Node are; server versions come from the caller (the provisioner knows them). */
export function describeEnvironment(serverVersions: Record<string, string> = {}): EnvironmentInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryTotalBytes: os.totalmem(),
    os: { platform: os.platform(), release: os.release(), distro: distroName() },
    node: process.version,
    loadGenerator: { openModel: 'storebench open-loop driver 1', closedModel: 'storebench closed-loop driver 1' },
    serverVersions,
  };
}

function distroName(): string | null {
  try {
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return match?.[1] ?? null;
  } catch {
    return null;
  }
}
