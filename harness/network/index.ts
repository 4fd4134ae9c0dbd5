export { createHostNetwork, removeStaleNetworks, type HostNetwork, type NetworkHost } from './host-network.ts';
export { LOOPBACK, parseRtt, rttLabel, type LinkDelay, type RttSetting } from './link-delay.ts';
export { netdelayBinary, netnsUnavailableReason } from './requirements.ts';
export { probeRtt, type RttProbeResult } from './rtt-probe.ts';
