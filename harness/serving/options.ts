import { z } from 'zod';
import { CONSISTENCY_LEVELS } from '../../adapters/cassandra/index.ts';
import { checkScale, DEFAULT_SCALE } from '../../core/dataset/index.ts';
import { LOG_LEVELS } from '../../core/logging/index.ts';
import { BACKEND_NAMES } from '../backends/index.ts';
import { BALANCER_POLICIES } from '../topology/index.ts';

/**
 * One option of `storebench serve`: its flag, its `STOREBENCH_` variable, how a value (always text: a
 * flag's or the variable's) is checked and converted, and its default. Each option is written here once;
 * the flags, the environment, the help and the start-up configuration line all come from this table.
 */
export interface ServeOption {
  /** Key in the resolved configuration. */
  key: string;
  /** Flag without dashes; a boolean option is a flag with no value (`--require-db`, or `--no-migrate` for `negated`). */
  flag: string;
  env: string;
  schema: z.ZodType<unknown, string>;
  boolean?: 'set' | 'negated';
  default?: unknown;
  /** Holds a password (a database URL): the configuration line shows it redacted. */
  secret?: boolean;
  /** For the adapter of this backend only: passed to its factory under `adapterKey`. */
  adapter?: { backend: (typeof BACKEND_NAMES)[number]; adapterKey: string };
  help: string;
}

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `must be an integer ${min}..${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be an integer ${min}..${max}`).max(max, `must be an integer ${min}..${max}`));
const oneOf = <T extends string>(values: readonly T[]) =>
  z.string().refine((v): v is T => (values as readonly string[]).includes(v), `must be one of ${values.join(', ')}`);
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const text = z.string().trim().min(1, 'must not be empty');
const fraction = z
  .string()
  .trim()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number 0..1')
  .transform(Number);

/** What each option of `storebench serve` is; order is the help's and the configuration line's. */
export const SERVE_OPTIONS: readonly ServeOption[] = [
  {
    key: 'backend',
    flag: 'backend',
    env: 'STOREBENCH_BACKEND',
    schema: oneOf(BACKEND_NAMES),
    default: 'memory',
    help: 'the backend to serve',
  },
  {
    key: 'url',
    flag: 'url',
    env: 'STOREBENCH_<KIND>_URL',
    schema: text,
    secret: true,
    help: 'database URL; without it STOREBENCH_POSTGRES_URL, _CASSANDRA_URL or _MONGO_URL, then `servers up`',
  },
  { key: 'host', flag: 'host', env: 'STOREBENCH_HOST', schema: text, default: '127.0.0.1', help: 'listen address' },
  {
    key: 'port',
    flag: 'port',
    env: 'STOREBENCH_PORT',
    schema: integer(0, 65535),
    default: 3000,
    help: 'listen port (0: any free one)',
  },
  {
    key: 'workers',
    flag: 'workers',
    env: 'STOREBENCH_WORKERS',
    schema: integer(1, 256),
    default: 1,
    help: 'node cluster workers',
  },
  {
    key: 'migrate',
    flag: 'no-migrate',
    env: 'STOREBENCH_MIGRATE',
    schema: flag,
    boolean: 'negated',
    default: true,
    help: 'migrate at start (in the background, retried until the database answers)',
  },
  {
    key: 'requireDb',
    flag: 'require-db',
    env: 'STOREBENCH_REQUIRE_DB',
    schema: flag,
    boolean: 'set',
    default: false,
    help: 'exit with one line when the database does not answer at start, instead of waiting for it',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'STOREBENCH_LOG_LEVEL',
    schema: oneOf(LOG_LEVELS),
    default: 'info',
    help: `${LOG_LEVELS.join('|')}`,
  },
  {
    key: 'accessLogSample',
    flag: 'access-log-sample',
    env: 'STOREBENCH_ACCESS_LOG_SAMPLE',
    schema: fraction,
    default: 0,
    help: 'fraction 0..1 of requests logged as `request` lines',
  },
  {
    key: 'shutdownGraceMs',
    flag: 'shutdown-grace-ms',
    env: 'STOREBENCH_SHUTDOWN_GRACE_MS',
    schema: integer(0, 600_000),
    default: 10_000,
    help: 'how long SIGTERM lets in-flight requests finish',
  },
  {
    key: 'bodyLimitBytes',
    flag: 'body-limit-bytes',
    env: 'STOREBENCH_BODY_LIMIT_BYTES',
    schema: integer(1024, 16 * 2 ** 20),
    default: 65_536,
    help: 'largest request body (larger: 413)',
  },
  {
    key: 'cache',
    flag: 'cache',
    env: 'STOREBENCH_CACHE',
    schema: oneOf(['redis'] as const),
    help: '`redis`: the read-through cache in front of the backend',
  },
  {
    key: 'redisUrl',
    flag: 'redis-url',
    env: 'STOREBENCH_REDIS_URL',
    schema: text,
    secret: true,
    help: 'Redis URL of the cache',
  },
  {
    key: 'cacheTtlSeconds',
    flag: 'cache-ttl-seconds',
    env: 'STOREBENCH_CACHE_TTL_SECONDS',
    schema: integer(1, 86_400),
    default: 60,
    help: 'lifetime of a cached value',
  },
  {
    key: 'instances',
    flag: 'instances',
    env: 'STOREBENCH_INSTANCES',
    schema: integer(1, 64),
    default: 1,
    help: 'API processes behind nginx',
  },
  {
    key: 'balancer',
    flag: 'balancer',
    env: 'STOREBENCH_BALANCER',
    schema: oneOf(BALANCER_POLICIES),
    default: 'least_conn',
    help: `${BALANCER_POLICIES.join('|')}`,
  },
  {
    key: 'experimentRoutes',
    flag: 'experiment-routes',
    env: 'STOREBENCH_EXPERIMENT_ROUTES',
    schema: flag,
    boolean: 'set',
    default: false,
    help: 'mount GET /experiment/busy',
  },
  {
    key: 'reportPauses',
    flag: 'report-pauses',
    env: 'STOREBENCH_REPORT_PAUSES',
    schema: flag,
    boolean: 'set',
    default: false,
    help: 'event lines per GC and per second of event-loop delay',
  },
  {
    key: 'seedWorkloads',
    flag: 'seed-workloads',
    env: 'STOREBENCH_SEED_WORKLOADS',
    schema: text,
    help: 'workloads to seed before serving (comma list or `all`)',
  },
  {
    key: 'scale',
    flag: 'scale',
    env: 'STOREBENCH_SCALE',
    schema: text.refine(isScale, 'must be a scale name or a count such as 250k'),
    default: DEFAULT_SCALE,
    help: 'scale of the seeded data set',
  },
  {
    key: 'datasetSeed',
    flag: 'dataset-seed',
    env: 'STOREBENCH_DATASET_SEED',
    schema: integer(0),
    default: 1,
    help: 'seed of the data set generator',
  },
  // The adapters' tuning; unset, the adapter's own default applies (docs/production.md lists them).
  ...adapterOptions('postgres', [
    ['poolSize', 'pool-size', integer(1, 1000), 'connections in the serving pool (10)'],
    ['statementTimeoutMs', 'statement-timeout-ms', integer(1), 'server-side limit per statement (5000)'],
    ['connectionTimeoutMs', 'connection-timeout-ms', integer(1), 'wait for a connection (3000)'],
    [
      'synchronousCommit',
      'synchronous-commit',
      oneOf(['on', 'off', 'local', 'remote_write', 'remote_apply']),
      "synchronous_commit of the serving pool (the server's)",
    ],
  ]),
  ...adapterOptions('cassandra', [
    ['consistency', 'consistency', oneOf(CONSISTENCY_LEVELS), 'consistency of reads and writes (LOCAL_QUORUM)'],
    ['connectionsPerHost', 'connections-per-host', integer(1, 64), 'connections per local node (1)'],
    ['operationTimeoutMs', 'operation-timeout-ms', integer(1), 'limit on one store call (5000)'],
    ['connectTimeoutMs', 'connect-timeout-ms', integer(1), 'TCP connect timeout (2000)'],
    ['keyspace', 'keyspace', text, 'keyspace (storebench)'],
    [
      'replicationFactor',
      'replication-factor',
      integer(1, 32),
      'replicas per row when migrate creates the keyspace (1)',
    ],
  ]),
  ...adapterOptions('mongo', [
    [
      'writeConcern',
      'write-concern',
      text.regex(/^(majority|\d+)$/, 'must be `majority` or a number'),
      'w of every write (majority)',
    ],
    ['journal', 'journal', flag, 'j of every write (true)'],
    ['maxPoolSize', 'pool-size', integer(1, 1000), 'connections per client (20)'],
    ['serverSelectionTimeoutMS', 'server-selection-timeout-ms', integer(1), 'wait for a reachable server (2000)'],
    ['socketTimeoutMS', 'socket-timeout-ms', integer(1), 'wait on a silent socket (5000)'],
    ['operationTimeoutMS', 'operation-timeout-ms', integer(1), 'limit on one store call (5000)'],
  ]),
];

function isScale(value: string): boolean {
  try {
    checkScale(value);
    return true;
  } catch {
    return false;
  }
}

/** `--postgres-pool-size` / `STOREBENCH_POSTGRES_POOL_SIZE` for the adapter option `poolSize`. */
function adapterOptions(
  backend: 'postgres' | 'cassandra' | 'mongo',
  options: [adapterKey: string, suffix: string, schema: z.ZodType<unknown, string>, help: string][],
): ServeOption[] {
  return options.map(([adapterKey, suffix, schema, help]) => ({
    key: `${backend}.${adapterKey}`,
    flag: `${backend}-${suffix}`,
    env: `STOREBENCH_${backend.toUpperCase()}_${suffix.toUpperCase().replaceAll('-', '_')}`,
    schema,
    adapter: { backend, adapterKey },
    help,
  }));
}
