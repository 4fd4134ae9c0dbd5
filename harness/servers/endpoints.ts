import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The database servers storebench knows how to run. */
export type ServerKind = 'postgres' | 'cassandra' | 'mongo' | 'redis';
export const SERVER_KINDS: readonly ServerKind[] = ['postgres', 'cassandra', 'mongo', 'redis'];

/**
 * How to reach one running server. `url` forms:
 * postgres `postgres://user:pass@127.0.0.1:5432/db`, cassandra `cassandra://127.0.0.1:9042/datacenter1`,
 * mongo `mongodb://127.0.0.1:27017/`, redis `redis://127.0.0.1:6379`.
 */
export interface ServerEndpoint {
  kind: ServerKind;
  url: string;
  provisioner: 'docker' | 'local' | 'external';
  /** What actually answers, e.g. `PostgreSQL 15.18` or `FerretDB 1.24.1 (SQLite)`. */
  version?: string;
  pid?: number;
  dataDir?: string;
  /** Milliseconds from spawn to the first real query answering (local provisioner). */
  startupMs?: number;
  /** The server's own log (local provisioner). */
  logFile?: string;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `storebench servers up` records what it started; tests and the harness read it. */
export function stateDir(): string {
  return process.env.STOREBENCH_STATE_DIR ?? join(REPO_ROOT, '.storebench');
}
export function stateFile(): string {
  return join(stateDir(), 'servers.json');
}

const ENV_VARS: Record<ServerKind, string> = {
  postgres: 'STOREBENCH_POSTGRES_URL',
  cassandra: 'STOREBENCH_CASSANDRA_URL',
  mongo: 'STOREBENCH_MONGO_URL',
  redis: 'STOREBENCH_REDIS_URL',
};

export function readServerState(): Partial<Record<ServerKind, ServerEndpoint>> {
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as Partial<Record<ServerKind, ServerEndpoint>>;
  } catch {
    return {};
  }
}

/** An explicit env var (STOREBENCH_<KIND>_URL) wins over the state file of `storebench servers up`. */
export function findEndpoint(kind: ServerKind): ServerEndpoint | undefined {
  const fromEnv = process.env[ENV_VARS[kind]];
  if (fromEnv) return { kind, url: fromEnv, provisioner: 'external' };
  return readServerState()[kind];
}

/**
 * For integration tests: the endpoint, or a skip reason. A missing server is
 * said loudly; under CI=true it is an error, never a silent skip.
 */
export function endpointForTest(kind: ServerKind): { endpoint?: ServerEndpoint; skip?: string } {
  const endpoint = findEndpoint(kind);
  if (endpoint) return { endpoint };
  const reason = `SKIPPED: no ${kind} server (run \`npm run storebench -- servers up\` or set ${ENV_VARS[kind]})`;
  if (process.env.CI === 'true') {
    throw new Error(`CI: ${kind} server missing. ${reason}`);
  }
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return { skip: reason };
}
