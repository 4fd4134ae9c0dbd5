import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './install-paths.ts';
import { serverKind, type ServerKind } from './kinds/index.ts';
import type { ServerEndpoint } from './types.ts';

/** Where `storebench servers up` records what it started; tests and the harness read it. */
export function stateDir(): string {
  return process.env.STOREBENCH_STATE_DIR ?? join(REPO_ROOT, '.storebench');
}
export function stateFile(): string {
  return join(stateDir(), 'servers.json');
}

/** The servers `storebench servers up` started (and still recorded), by kind. */
export type ServerState = Partial<Record<ServerKind, ServerEndpoint>>;

export function readServerState(): ServerState {
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as ServerState;
  } catch {
    return {};
  }
}

/** Replaces the state file atomically (readers never see half a file); an empty state removes it. */
export function writeServerState(state: ServerState): void {
  if (Object.keys(state).length === 0) {
    rmSync(stateFile(), { force: true });
    return;
  }
  mkdirSync(stateDir(), { recursive: true });
  const tmp = `${stateFile()}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, stateFile());
}

/** An explicit env var (STOREBENCH_<KIND>_URL) wins over the state file of `storebench servers up`. */
export function findEndpoint(kind: ServerKind): ServerEndpoint | undefined {
  const fromEnv = process.env[serverKind(kind).envVar];
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
  const reason = `SKIPPED: no ${kind} server (run \`npm run storebench -- servers up\` or set ${serverKind(kind).envVar})`;
  if (process.env.CI === 'true') {
    throw new Error(`CI: ${kind} server missing. ${reason}`);
  }
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return { skip: reason };
}
