import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopDockerService } from './docker.ts';
import { REPO_ROOT } from './install-paths.ts';
import { provisionerFor } from './provisioners.ts';
import { serverKind, type ServerKind } from './kinds/index.ts';
import { isAlive, terminate } from './local/launch.ts';
import { readServerState, stateFile, writeServerState } from './state.ts';
import type { ProvisionedServer, ProvisionMode, Provisioner, ServerEndpoint } from './types.ts';

/**
 * What `upServers`, `downServers` and `serversStatus` report, one event per server as it happens
 * (a slow Cassandra must not hide a ready PostgreSQL). `storebench servers` prints them.
 */
export type ServersEvent =
  | { type: 'already-running'; kind: ServerKind; endpoint: ServerEndpoint }
  | { type: 'starting'; kinds: ServerKind[]; provisioner: Provisioner['name'] }
  | { type: 'up'; kind: ServerKind; server: ProvisionedServer }
  | { type: 'failed'; kind: ServerKind; message: string }
  | { type: 'all-started'; elapsedMs: number; stateFile: string }
  | { type: 'left-alone'; kind: ServerKind; endpoint: ServerEndpoint }
  | { type: 'still-running'; kind: ServerKind; pid: number }
  | { type: 'stopped'; kind: ServerKind; endpoint: ServerEndpoint }
  | { type: 'not-running'; kind: ServerKind }
  | { type: 'answers'; kind: ServerKind; endpoint: ServerEndpoint; version: string; queryMs: number }
  | { type: 'not-answering'; kind: ServerKind; endpoint: ServerEndpoint; message: string };

export type ServersReporter = (event: ServersEvent) => void;

/** Runs scripts/servers/install (apt packages, Cassandra and mongo-java-server jars; root); returns its exit code. */
export function installServers(): number {
  const result = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'servers', 'install')], { stdio: 'inherit' });
  return result.status ?? 1;
}

/** Is this pid still the server we started (and not a recycled pid)? Its command line names its dir or port. */
function isOurProcess(endpoint: ServerEndpoint): boolean {
  if (!endpoint.pid || !isAlive(endpoint.pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${endpoint.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const port = new URL(endpoint.url).port;
    return (endpoint.dataDir !== undefined && cmdline.includes(endpoint.dataDir)) || cmdline.includes(`:${port}`);
  } catch {
    return false;
  }
}

async function answers(endpoint: ServerEndpoint): Promise<boolean> {
  try {
    await serverKind(endpoint.kind).probe(endpoint.url, 5_000);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the servers of `kinds` detached (they outlive this process) and records each in the state
 * file as soon as it answers. Servers already recorded and answering are left alone. True when all run.
 */
export async function upServers(
  kinds: readonly ServerKind[],
  options: { mode: ProvisionMode; javaHeap?: string },
  report: ServersReporter,
): Promise<boolean> {
  const state = readServerState();
  const toStart: ServerKind[] = [];
  for (const kind of kinds) {
    const existing = state[kind];
    if (existing && (await answers(existing))) report({ type: 'already-running', kind, endpoint: existing });
    else toStart.push(kind);
  }
  if (toStart.length === 0) return true;
  const provisioner = await provisionerFor(options.mode, toStart);
  report({ type: 'starting', kinds: toStart, provisioner: provisioner.name });
  const started = Date.now();
  const results = await Promise.allSettled(
    toStart.map(async (kind) => {
      const server = await provisioner.start(kind, {
        detached: true,
        ...(options.javaHeap ? { javaHeap: options.javaHeap } : {}),
      });
      const current = readServerState();
      current[kind] = server.endpoint;
      writeServerState(current);
      report({ type: 'up', kind, server });
    }),
  );
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      failed++;
      report({ type: 'failed', kind: toStart[i]!, message: String((r.reason as Error)?.message ?? r.reason) });
    }
  });
  report({ type: 'all-started', elapsedMs: Date.now() - started, stateFile: stateFile() });
  return failed === 0;
}

/**
 * Stops the recorded servers of `kinds` that `upServers` started and removes their temp dirs.
 * External servers are only forgotten, never touched. True unless one is still running.
 */
export async function downServers(kinds: readonly ServerKind[], report: ServersReporter): Promise<boolean> {
  const state = readServerState();
  let failed = 0;
  await Promise.all(
    kinds.map(async (kind) => {
      const endpoint = state[kind];
      if (!endpoint) return;
      if (endpoint.provisioner === 'external') {
        report({ type: 'left-alone', kind, endpoint });
        delete state[kind];
        return;
      }
      if (endpoint.provisioner === 'docker') {
        await stopDockerService(kind);
      } else if (endpoint.pid && isOurProcess(endpoint)) {
        await terminate(endpoint.pid, serverKind(kind).stopGraceMs);
      }
      if (endpoint.pid && isAlive(endpoint.pid) && isOurProcess(endpoint)) {
        failed++;
        report({ type: 'still-running', kind, pid: endpoint.pid });
        return;
      }
      if (endpoint.dataDir) rmSync(endpoint.dataDir, { recursive: true, force: true });
      delete state[kind];
      report({ type: 'stopped', kind, endpoint });
    }),
  );
  writeServerState(state);
  return failed === 0;
}

/** Runs a real query on each recorded server of `kinds`, one after another. True when all answer. */
export async function serversStatus(kinds: readonly ServerKind[], report: ServersReporter): Promise<boolean> {
  const state = readServerState();
  let bad = 0;
  for (const kind of kinds) {
    const endpoint = state[kind];
    if (!endpoint) {
      bad++;
      report({ type: 'not-running', kind });
      continue;
    }
    const started = Date.now();
    try {
      const version = await serverKind(kind).probe(endpoint.url, 5_000);
      report({ type: 'answers', kind, endpoint, version, queryMs: Date.now() - started });
    } catch (error) {
      bad++;
      report({ type: 'not-answering', kind, endpoint, message: (error as Error).message });
    }
  }
  return bad === 0;
}
