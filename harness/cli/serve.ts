import { parseArgs } from 'node:util';
import { BACKEND_NAMES, createBackend, isBackendName } from '../backends/index.ts';
import { withCache } from '../../adapters/redis-cache/index.ts';
import { WORKLOADS, type Backend, type WorkloadName } from '../../core/backend.ts';
import { primaryCount } from '../../core/dataset/index.ts';
import { settleHeap } from '../../core/http/heap.ts';
import { serve } from '../../core/http/index.ts';
import { seedWorkload } from '../dataset/index.ts';
import { BALANCER_POLICIES, startTopology, topologyLabel, type BalancerPolicy } from '../topology/index.ts';

const HELP = `usage: storebench serve [--backend memory|postgres|cassandra|mongo] [--url URL] [--port 3000]
                       [--host 127.0.0.1] [--workers N] [--no-migrate]
                       [--instances N --balancer least_conn|round_robin] [--experiment-routes]
                       [--cache redis --redis-url URL]
                       [--seed usages,catalog,overview|all --scale small --dataset-seed 1]

Serves the API on one backend until SIGTERM/SIGINT (then finishes in-flight requests and closes the backend).

--seed fills the listed workloads with the deterministic data set before serving, after reset(), which
empties every workload of the backend, not only the listed ones. The memory backend is seeded in every worker, since
its data lives in the process; a database backend is seeded once.

--instances N (N > 1) starts N API processes on free loopback ports, each with --workers workers, and
nginx on --port in front of them (least_conn by default). The memory backend keeps its data per process,
so writes made through one process are not seen by the others.

--experiment-routes mounts GET /experiment/busy?ms=N (N ms of CPU on the event loop, then 200): the
deliberately slow request class of the scale-out experiment. Not part of the API contract.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'memory' },
      url: { type: 'string' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      workers: { type: 'string', default: '1' },
      instances: { type: 'string', default: '1' },
      balancer: { type: 'string', default: 'least_conn' },
      cache: { type: 'string' },
      'redis-url': { type: 'string' },
      'no-migrate': { type: 'boolean', default: false },
      'experiment-routes': { type: 'boolean', default: false },
      seed: { type: 'string' },
      scale: { type: 'string', default: 'small' },
      'dataset-seed': { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const name = values.backend;
  if (!isBackendName(name)) {
    console.error(`--backend must be one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const port = Number(values.port);
  const workers = Number(values.workers);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('--port must be an integer 0..65535');
    return 2;
  }
  if (!Number.isInteger(workers) || workers < 1) {
    console.error('--workers must be a positive integer');
    return 2;
  }
  const redisUrl = values['redis-url'] ?? process.env.STOREBENCH_REDIS_URL;
  if (values.cache !== undefined && (values.cache !== 'redis' || redisUrl === undefined)) {
    console.error('--cache must be `redis`, with --redis-url URL (or STOREBENCH_REDIS_URL)');
    return 2;
  }
  let seedWorkloads: WorkloadName[] = [];
  if (values.seed !== undefined) {
    const listed = values.seed === 'all' ? [...WORKLOADS] : values.seed.split(',').map((w) => w.trim());
    const unknown = listed.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
    if (unknown.length > 0 || listed.length === 0) {
      console.error(`--seed takes a comma list of ${WORKLOADS.join(', ')} or \`all\``);
      return 2;
    }
    seedWorkloads = listed as WorkloadName[];
  }
  const datasetSeed = Number(values['dataset-seed']);
  const scale = values.scale;
  try {
    primaryCount('catalog', scale);
  } catch (error) {
    console.error(`--scale: ${(error as Error).message}`);
    return 2;
  }
  if (!Number.isInteger(datasetSeed)) {
    console.error('--dataset-seed must be an integer');
    return 2;
  }
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 64) {
    console.error('--instances must be an integer 1..64');
    return 2;
  }
  if (!(BALANCER_POLICIES as readonly string[]).includes(values.balancer)) {
    console.error(`--balancer must be one of ${BALANCER_POLICIES.join(', ')}`);
    return 2;
  }
  const seedOne = async (backend: Backend): Promise<void> => {
    await backend.reset();
    for (const workload of seedWorkloads) {
      const started = performance.now();
      const seeded = await seedWorkload(backend, workload, { scale, seed: datasetSeed, fingerprint: false });
      const rows = Object.values(seeded.load.rows).reduce((a, b) => a + b, 0);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`seeded ${workload} (${seeded.source}): ${rows} rows in ${seconds} s`);
    }
    settleHeap(); // the generator's garbage goes now, not in the first measured seconds
  };
  if (instances > 1) {
    // Migrate and seed a database once here; the instances then only serve.
    if (name !== 'memory' && (!values['no-migrate'] || seedWorkloads.length > 0)) {
      const backend = await createBackend(name, values.url);
      try {
        if (!values['no-migrate']) await backend.migrate();
        if (seedWorkloads.length > 0) await seedOne(backend);
      } finally {
        await backend.close();
      }
    }
    const topology = {
      instances,
      workers,
      balancer: values.balancer as BalancerPolicy,
      cache: values.cache === 'redis',
    };
    const running = await startTopology(topology, {
      backend: name,
      ...(values.url && { url: values.url }),
      ...(redisUrl && { redisUrl }),
      experimentRoutes: values['experiment-routes'],
      ...(name === 'memory' && seedWorkloads.length > 0 && { seed: { workloads: seedWorkloads, scale, datasetSeed } }),
      port,
    });
    console.log(`storebench serving ${name} on ${running.url} (${topologyLabel(topology)} behind nginx)`);
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
    ...(seedWorkloads.length > 0 && { seedPerProcess: name === 'memory', seed: seedOne }),
  });
  console.log(`storebench serving ${name} on ${server.url} (${workers} worker${workers > 1 ? 's' : ''})`);
  return new Promise<number>(() => {}); // runs until a signal ends the process
}
