import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresWaitSampler } from '../../observe/postgres-waits.ts';
import pg from 'pg';
import { INSTALL_HINT, onPath } from '../install-paths.ts';
import { launch, type LaunchSpec } from '../local/launch.ts';
import { listenAddress } from '../ports.ts';
import type { ProvisionedServer, ProvisionOptions, ServerKindDescriptor } from '../types.ts';

const POSTGRES_USER = 'storebench';
const POSTGRES_PASSWORD = 'storebench';
const POSTGRES_DATABASE = 'storebench';

/**
 * Settings for a benchmark box (24 GiB RAM shared with other work), all durable: fsync and
 * synchronous_commit stay on so PostgreSQL is measured as it would run in production.
 * - shared_buffers 512MB / effective_cache_size 4GB: the dataset fits in cache, as it would in prod.
 * - max_wal_size 4GB, checkpoint_timeout 15min: no checkpoint storm in the middle of a load step.
 * - random_page_cost 1.1: SSD. jit off: JIT compile time dominates short OLTP queries.
 * - max_connections 300: the load ladder can run several API instances with pools of 50.
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '512MB',
  effective_cache_size: '4GB',
  work_mem: '16MB',
  maintenance_work_mem: '256MB',
  max_connections: '300',
  max_wal_size: '4GB',
  min_wal_size: '512MB',
  checkpoint_timeout: '15min',
  checkpoint_completion_target: '0.9',
  random_page_cost: '1.1',
  jit: 'off',
  log_min_messages: 'warning',
  logging_collector: 'off',
};

/** The newest /usr/lib/postgresql/<major>/bin holding initdb (Debian puts server binaries off PATH). */
function postgresBinDir(): string | undefined {
  const fromEnv = process.env.STOREBENCH_POSTGRES_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) {
    const initdb = onPath('initdb');
    return initdb ? join(initdb, '..') : undefined;
  }
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

/** The postgres system user's ids when we run as root (the server refuses to run as root). */
export function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** `postgres://storebench:storebench@<address>:<port>/<database>` */
export function postgresUrl(address: string, port: number, database = POSTGRES_DATABASE): string {
  return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${address}:${port}/${database}`;
}

/** The server binaries' directory, or an error naming what to install. */
export function requirePostgresBin(): string {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (initdb)');
  return bin;
}

/**
 * A throw-away cluster: a fresh temp dir (owned by the postgres user) holding `data/`, made by initdb.
 * `remoteHosts` lets password logins and replication in from any address, for servers on a
 * storebench network (its namespaces are reachable from nowhere else).
 */
export function initPostgresCluster(options: { remoteHosts?: boolean; prefix?: string } = {}): {
  dir: string;
  dataDir: string;
} {
  const bin = requirePostgresBin();
  const ids = postgresIds();
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'storebench-postgres-'));
  const dataDir = join(dir, 'data');
  try {
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const pwFile = join(dir, 'pwfile');
    writeFileSync(pwFile, `${POSTGRES_PASSWORD}\n`);
    if (ids) chownSync(pwFile, ids.uid, ids.gid);
    execFileSync(
      join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        POSTGRES_USER,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        '--no-sync', // a throw-away cluster: skip fsyncing initdb's files (the server itself still fsyncs)
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}) },
    );
    rmSync(pwFile);
    if (options.remoteHosts) {
      appendFileSync(
        join(dataDir, 'pg_hba.conf'),
        '# storebench network hosts (private namespaces)\n' +
          'host all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 scram-sha-256\n',
      );
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(error as Error).message}\n${stderr}`);
  }
  return { dir, dataDir };
}

/** How to launch `postgres` on a data dir (its socket in `dir`, not /var/run/postgresql). */
export function postgresLaunchSpec(options: {
  dir: string;
  dataDir: string;
  address: string;
  port: number;
  namespace?: string;
  /** Settings beyond POSTGRES_SETTINGS (or overriding them). */
  settings?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
  detached?: boolean;
  logName?: string;
}): Omit<LaunchSpec, 'probeUrl' | 'endpointUrl'> {
  const settings = Object.entries({ ...POSTGRES_SETTINGS, ...options.settings }).flatMap(([k, v]) => [
    '-c',
    `${k}=${v}`,
  ]);
  return {
    kind: postgres,
    command: join(requirePostgresBin(), 'postgres'),
    args: [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-k',
      options.dir,
      '-c',
      `listen_addresses=${options.address}`,
      ...settings,
    ],
    dir: options.dir,
    logFile: join(options.dir, options.logName ?? 'postgres.log'),
    port: options.port,
    address: options.address,
    ...(options.namespace && { namespace: options.namespace }),
    ...(postgresIds() ?? {}),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    detached: options.detached ?? false,
  };
}

/** Creates the database the adapter uses, through the maintenance database. */
export async function createStorebenchDatabase(address: string, port: number): Promise<void> {
  const client = new pg.Client({
    connectionString: postgresUrl(address, port, 'postgres'),
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${POSTGRES_DATABASE}`);
  } finally {
    await client.end();
  }
}

/** initdb of a throw-away cluster as the postgres user, then `postgres` with our settings on a free port. */
async function startLocalPostgres(options: ProvisionOptions): Promise<ProvisionedServer> {
  const { dir, dataDir } = initPostgresCluster({ remoteHosts: options.host !== undefined });
  const { address, port, namespace } = await listenAddress(options.host, 5432);
  return launch({
    ...postgresLaunchSpec({
      dir,
      dataDir,
      address,
      port,
      ...(namespace && { namespace }),
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.detached !== undefined && { detached: options.detached }),
    }),
    probeUrl: postgresUrl(address, port, 'postgres'),
    endpointUrl: postgresUrl(address, port),
    afterReady: () => createStorebenchDatabase(address, port),
  });
}

async function probePostgres(url: string, timeoutMs: number): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined); // a dying server must not crash the prober
  await client.connect();
  try {
    const result = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return `PostgreSQL ${result.rows[0]?.v ?? '?'}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL: apt's packaged server locally, the official image in docker-compose.yml. */
export const postgres: ServerKindDescriptor<'postgres'> = {
  name: 'postgres',
  envVar: 'STOREBENCH_POSTGRES_URL',
  urlExample: 'postgres://storebench:storebench@127.0.0.1:5432/storebench',
  compose: { service: 'postgres', containerPort: 5432, url: (port) => postgresUrl('127.0.0.1', port) },
  stopGraceMs: 15_000,
  probe: probePostgres,
  missingForLocal: () =>
    postgresBinDir() ? null : `PostgreSQL server binaries (apt package postgresql): ${INSTALL_HINT}`,
  startLocal: startLocalPostgres,
  watch: (endpoint) => new PostgresWaitSampler(endpoint.url),
};
