import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresWaitSampler } from '../../observe/postgres-waits.ts';
import pg from 'pg';
import { INSTALL_HINT, onPath } from '../install-paths.ts';
import { launch } from '../local/launch.ts';
import { freeLoopbackPort } from '../ports.ts';
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

/** The postgres system user's ids: the server refuses to run as root. */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** initdb of a throw-away cluster as the postgres user, then `postgres` with our settings on a free port. */
async function startLocalPostgres(options: ProvisionOptions): Promise<ProvisionedServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (initdb)');
  const ids = postgresIds();
  const dir = mkdtempSync(join(tmpdir(), 'storebench-postgres-'));
  try {
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const dataDir = join(dir, 'data');
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
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(error as Error).message}\n${stderr}`);
  }
  const port = await freeLoopbackPort();
  const settings = Object.entries(POSTGRES_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const auth = `${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}`;
  return launch({
    kind: postgres,
    command: join(bin, 'postgres'),
    // The socket lives in our temp dir, not /var/run/postgresql, so nothing clashes with a system cluster.
    args: ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...settings],
    dir,
    logFile: join(dir, 'postgres.log'),
    probeUrl: `postgres://${auth}/postgres`,
    endpointUrl: `postgres://${auth}/${POSTGRES_DATABASE}`,
    port,
    ...(ids ?? {}),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    afterReady: async () => {
      const client = new pg.Client({ connectionString: `postgres://${auth}/postgres`, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${POSTGRES_DATABASE}`);
      } finally {
        await client.end();
      }
    },
    detached: options.detached ?? false,
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
  compose: {
    service: 'postgres',
    containerPort: 5432,
    url: (port) => `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}/${POSTGRES_DATABASE}`,
  },
  stopGraceMs: 15_000,
  probe: probePostgres,
  missingForLocal: () =>
    postgresBinDir() ? null : `PostgreSQL server binaries (apt package postgresql): ${INSTALL_HINT}`,
  startLocal: startLocalPostgres,
  watch: (endpoint) => new PostgresWaitSampler(endpoint.url),
};
