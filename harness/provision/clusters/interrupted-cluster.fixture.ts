// Child process for clusters.test.ts: starts a cluster the way a run does (on a network of its own
// when asked), printing a JSON line per member as it answers and one when all do, then waits to be
// interrupted. The process registry does the cleanup.
import { createHostNetwork } from '../../network/index.ts';
import { parseClusterLayout, startCluster } from './index.ts';

const [layoutText = 'postgres:standby', where = 'loopback'] = process.argv.slice(2);
const layout = parseClusterLayout(layoutText);
const network = where === 'netns' ? await createHostNetwork() : undefined;
const kind = layout.kind === 'cassandra-ring' ? 'cassandra' : 'postgres';
const cluster = await startCluster(kind, layout, {
  ...(network && { network }),
  log: (line) => console.log(JSON.stringify({ started: line })),
});
console.log(JSON.stringify({ ready: cluster.pids() }));
setInterval(() => undefined, 1_000);
