import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_HINT, onPath, serversHome } from '../provision/install-paths.ts';

/** Where scripts/servers/install puts the delaying relay (scripts/servers/netdelay/netdelay.c). */
export function netdelayBinary(): string {
  return process.env.STOREBENCH_NETDELAY ?? join(serversHome(), 'bin', 'netdelay');
}

/**
 * Why hosts in network namespaces cannot run here, as a sentence naming what is missing, or null.
 * Namespaces, veth links and iptables rules need root; the delay needs the relay we build, because
 * the kernels we run on lack sch_netem (`tc qdisc add ... netem` answers "unknown qdisc").
 */
export function netnsUnavailableReason(options: { delay: boolean } = { delay: true }): string | null {
  if (process.platform !== 'linux') return 'network namespaces are a Linux feature';
  if (process.getuid?.() !== 0) return 'creating network namespaces and veth links needs root (run as root)';
  if (!onPath('ip')) return 'the `ip` command (apt package iproute2)';
  if (!onPath('iptables')) return `the \`iptables\` command (apt package iptables): ${INSTALL_HINT}`;
  if (options.delay && !existsSync(netdelayBinary())) {
    return `the delaying relay ${netdelayBinary()} (built from scripts/servers/netdelay): ${INSTALL_HINT}`;
  }
  return null;
}
