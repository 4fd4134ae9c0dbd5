// Child process for provision.test.ts: provisions servers the way a harness run does (attached,
// registered for cleanup), prints what it started as one JSON line, then waits to be interrupted.
import { isServerKind, provisionServers } from './index.ts';

const kinds = (process.argv[2] ?? 'postgres,redis').split(',');
if (!kinds.every(isServerKind)) throw new Error(`bad kinds ${kinds.join(',')}`);
const set = await provisionServers(kinds, { mode: 'local', javaHeap: '512M' });
console.log(
  JSON.stringify(Object.values(set.endpoints).map((e) => ({ kind: e.kind, pid: e.pid, dataDir: e.dataDir }))),
);
// Keep the event loop alive until a signal arrives; the process registry does the cleanup.
setInterval(() => undefined, 1_000);
