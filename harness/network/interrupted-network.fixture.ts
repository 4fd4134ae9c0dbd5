// Child process for network.test.ts: creates a delayed network the way a run does (registered for
// cleanup), prints its relay's pid as one JSON line, then waits to be interrupted.
import { createHostNetwork } from './index.ts';

const network = await createHostNetwork({ hosts: ['api', 'db'], delay: { rttMs: 1, jitterMs: 0 } });
console.log(JSON.stringify({ relayPid: network.relayPid() }));
// Keep the event loop alive until a signal arrives; the process registry does the cleanup.
setInterval(() => undefined, 1_000);
