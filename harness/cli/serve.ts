import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { withCache } from '../../adapters/redis-cache/index.ts';
import type { Backend } from '../../core/backend.ts';
import { serve } from '../../core/http/index.ts';
import type { Workload } from '../../core/workloads/index.ts';
import { seedWorkload } from '../dataset/index.ts';
import { settleHeap } from '../load/heap.ts';
import { formatApiEvent } from '../protocol/api-events.ts';
import { reportPauses } from '../protocol/pause-reporter.ts';
import { BALANCER_POLICIES, serveInstances, type BalancerPolicy } from '../topology/index.ts';
import { FLAG_HELP, integerFlag, scaleFlag, UsageError, workloadsFlag } from './flags.ts';

const HELP = `usage: storebench serve [--backend ${BACKEND_NAMES.join('|')}] [--url URL] [--port 3000]
                       [--host 127.0.0.1] [--workers N] [--no-migrate]
                       [--instances N --balancer ${BALANCER_POLICIES.join('|')}] [--experiment-routes]
                       [--cache redis --redis-url URL]
                       [--seed-workloads LIST|all --scale S --dataset-seed N]

Serves the API on one backend until SIGTERM/SIGINT (then finishes in-flight requests and closes the backend).

--seed-workloads fills the listed workloads with the deterministic data set before serving, after reset(),
which empties every workload of the backend, not only the listed ones. The memory backend is seeded in
every worker, since its data lives in the process; a database backend is seeded once.
  --scale S            ${FLAG_HELP.scale}
  ${FLAG_HELP.datasetSeed}

--instances N (N > 1) starts N API processes on free loopback ports, each with --workers workers, and
nginx on --port in front of them (least_conn by default). The memory backend keeps its data per process,
so writes made through one process are not seen by the others.

--experiment-routes mounts GET /experiment/busy?ms=N (N ms of CPU on the event loop, then 200): the
deliberately slow request class of the scale-out experiment. Not part of the API contract.

On stdout the process reports what it did as JSON lines (\`seeded\`, then \`serving\` with its URL);
--report-pauses adds a line per garbage collection and per second of event-loop delay (the harness
uses them to explain slow steps).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'memory' },
      url: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      workers: { type: 'string' },
      instances: { type: 'string' },
      balancer: { type: 'string', default: 'least_conn' },
      cache: { type: 'string' },
      'redis-url': { type: 'string' },
      'no-migrate': { type: 'boolean', default: false },
      'experiment-routes': { type: 'boolean', default: false },
      'report-pauses': { type: 'boolean', default: false },
      'seed-workloads': { type: 'string' },
      scale: { type: 'string' },
      'dataset-seed': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['report-pauses']) reportPauses();
  const name = values.backend;
  if (!isBackendName(name)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
  const port = integerFlag(values.port, '--port', 3000, 0);
  if (port > 65535) throw new UsageError('--port must be an integer 0..65535');
  const workers = integerFlag(values.workers, '--workers', 1, 1);
  const instances = integerFlag(values.instances, '--instances', 1, 1);
  if (instances > 64) throw new UsageError('--instances must be an integer 1..64');
  if (!(BALANCER_POLICIES as readonly string[]).includes(values.balancer)) {
    throw new UsageError(`--balancer must be one of ${BALANCER_POLICIES.join(', ')}`);
  }
  const redisUrl = values['redis-url'] ?? process.env.STOREBENCH_REDIS_URL;
  if (values.cache !== undefined && (values.cache !== 'redis' || redisUrl === undefined)) {
    throw new UsageError('--cache must be `redis`, with --redis-url URL (or STOREBENCH_REDIS_URL)');
  }
  const seeding = values['seed-workloads'];
  const workloads = seeding === undefined ? [] : workloadsFlag(seeding, '--seed-workloads');
  const scale = scaleFlag(values.scale);
  const datasetSeed = integerFlag(values['dataset-seed'], '--dataset-seed', 1);
  const seed = async (backend: Backend): Promise<void> => seedForServing(backend, workloads, scale, datasetSeed);

  if (instances > 1) {
    const running = await serveInstances({
      backend: name,
      ...(values.url && { url: values.url }),
      topology: { instances, workers, balancer: values.balancer as BalancerPolicy, cache: values.cache === 'redis' },
      ...(redisUrl && { redisUrl }),
      migrate: !values['no-migrate'],
      experimentRoutes: values['experiment-routes'],
      ...(workloads.length > 0 && {
        seedWorkloads: { workloads: workloads.map((w) => w.name), scale, datasetSeed },
        seedOnce: seed,
      }),
      port,
    });
    console.log(formatApiEvent({ event: 'serving', backend: name, url: running.url, layout: running.layout }));
    return new Promise<number>(() => {}); // the process registry stops nginx and the instances on SIGTERM/SIGINT
  }
  const server = await serve({
    createBackend: async () => {
      const backend = await createBackend(name, values.url);
      return values.cache === 'redis' && redisUrl !== undefined ? withCache(backend, { url: redisUrl }) : backend;
    },
    port,
    host: values.host,
    workers,
    migrate: !values['no-migrate'],
    experimentRoutes: values['experiment-routes'],
    ...(workloads.length > 0 && { seedPerProcess: name === 'memory', seed }),
  });
  const layout = `${workers} worker${workers > 1 ? 's' : ''}`;
  console.log(formatApiEvent({ event: 'serving', backend: name, url: server.url, layout }));
  return new Promise<number>(() => {}); // runs until a signal ends the process
}

/** reset(), then each workload's data set, reported as `seeded` events; the generator's garbage goes now. */
async function seedForServing(backend: Backend, workloads: Workload[], scale: string, datasetSeed: number) {
  await backend.reset();
  for (const workload of workloads) {
    const started = performance.now();
    const seeded = await seedWorkload(backend, workload, { scale, datasetSeed, fingerprint: false });
    const rows = Object.values(seeded.load.rows).reduce((a, b) => a + b, 0);
    const seconds = Math.round(performance.now() - started) / 1000;
    console.log(formatApiEvent({ event: 'seeded', workload: workload.name, source: seeded.source, rows, seconds }));
  }
  settleHeap(); // not in the first measured seconds
}
