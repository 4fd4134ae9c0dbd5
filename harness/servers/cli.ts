import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  probeVersion,
  provisionerFor,
  stopDockerService,
  type ProvisionedServer,
  type ProvisionMode,
} from '../provision/index.ts';
import { isAlive, terminate } from '../provision/local/launch.ts';
import {
  readServerState,
  REPO_ROOT,
  SERVER_KINDS,
  stateDir,
  stateFile,
  type ServerEndpoint,
  type ServerKind,
} from './endpoints.ts';

const USAGE = `usage: storebench servers <install|up|down|status> [--backend postgres,cassandra,mongo,redis]
  install   apt packages + Cassandra / mongo-java-server jars (root; runs scripts/servers/install)
  up        start the servers detached and record them in .storebench/servers.json
            --provision auto|local|docker (default auto: docker if an engine answers, else local)
            --heap 1G   JVM heap of Cassandra and the Java MongoDB-wire server
  down      stop the servers \`up\` started and remove their temp dirs (external ones are never touched)
  status    run a real query on each recorded server and print its version (exit 1 if one does not answer)`;

type State = Partial<Record<ServerKind, ServerEndpoint>>;

function writeState(state: State): void {
  mkdirSync(stateDir(), { recursive: true });
  const tmp = `${stateFile()}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, stateFile());
}

function parseKinds(value: string | undefined): ServerKind[] {
  if (!value) return [...SERVER_KINDS];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(SERVER_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`unknown backend server "${kind}" (known: ${SERVER_KINDS.join(', ')})`);
    }
  }
  return kinds as ServerKind[];
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

async function answers(endpoint: ServerEndpoint): Promise<string | null> {
  try {
    return await probeVersion(endpoint.kind, endpoint.url, 5_000);
  } catch {
    return null;
  }
}

async function up(kinds: ServerKind[], mode: ProvisionMode, heap: string | undefined): Promise<number> {
  const state = readServerState();
  const toStart: ServerKind[] = [];
  for (const kind of kinds) {
    const existing = state[kind];
    if (existing && (await answers(existing))) {
      console.log(`${kind.padEnd(9)} already running  ${existing.url}  (${existing.version ?? '?'})`);
    } else {
      toStart.push(kind);
    }
  }
  if (toStart.length === 0) return 0;
  const provisioner = await provisionerFor(mode, toStart);
  console.log(`starting ${toStart.join(', ')} via ${provisioner.name}…`);
  const started = Date.now();
  const results = await Promise.allSettled(
    toStart.map(async (kind) => {
      const server: ProvisionedServer = await provisioner.start(kind, {
        detached: true,
        ...(heap ? { javaHeap: heap } : {}),
      });
      // Record each as soon as it answers, so a slow Cassandra does not hide a ready PostgreSQL.
      const current = readServerState();
      current[kind] = server.endpoint;
      writeState(current);
      console.log(
        `${kind.padEnd(9)} up in ${(server.startupMs / 1000).toFixed(1)} s  ${server.endpoint.url}  (${server.endpoint.version})`,
      );
      return server;
    }),
  );
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      failed++;
      console.error(`${toStart[i]} FAILED: ${String((r.reason as Error)?.message ?? r.reason)}`);
    }
  });
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; state in ${stateFile()}`);
  return failed === 0 ? 0 : 1;
}

async function down(kinds: ServerKind[]): Promise<number> {
  const state = readServerState();
  let failed = 0;
  await Promise.all(
    kinds.map(async (kind) => {
      const endpoint = state[kind];
      if (!endpoint) return;
      if (endpoint.provisioner === 'external') {
        console.log(`${kind.padEnd(9)} external, left alone`);
        delete state[kind];
        return;
      }
      if (endpoint.provisioner === 'docker') {
        await stopDockerService(kind);
      } else if (endpoint.pid && isOurProcess(endpoint)) {
        await terminate(endpoint.pid, kind === 'cassandra' ? 30_000 : 15_000);
      }
      if (endpoint.pid && isAlive(endpoint.pid) && isOurProcess(endpoint)) {
        failed++;
        console.error(`${kind.padEnd(9)} pid ${endpoint.pid} still running`);
        return;
      }
      if (endpoint.dataDir) rmSync(endpoint.dataDir, { recursive: true, force: true });
      delete state[kind];
      console.log(`${kind.padEnd(9)} stopped${endpoint.dataDir ? `, removed ${endpoint.dataDir}` : ''}`);
    }),
  );
  if (Object.keys(state).length === 0) rmSync(stateFile(), { force: true });
  else writeState(state);
  return failed === 0 ? 0 : 1;
}

async function status(kinds: ServerKind[]): Promise<number> {
  const state = readServerState();
  let bad = 0;
  for (const kind of kinds) {
    const endpoint = state[kind];
    if (!endpoint) {
      bad++;
      console.log(`${kind.padEnd(9)} not running (storebench servers up)`);
      continue;
    }
    const started = Date.now();
    try {
      const version = await probeVersion(kind, endpoint.url, 5_000);
      const label = endpoint.version && endpoint.version !== version ? `${endpoint.version}` : version;
      console.log(
        `${kind.padEnd(9)} OK   ${version.padEnd(22)} ${endpoint.url}  pid ${endpoint.pid ?? '-'}  query ${Date.now() - started} ms  [${label}]`,
      );
    } catch (error) {
      bad++;
      console.log(`${kind.padEnd(9)} DOWN ${endpoint.url}: ${(error as Error).message}`);
    }
  }
  return bad === 0 ? 0 : 1;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      provision: { type: 'string', default: 'auto' },
      heap: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const kinds = parseKinds(values.backend);
  switch (command) {
    case 'install': {
      const result = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'servers', 'install')], { stdio: 'inherit' });
      return result.status ?? 1;
    }
    case 'up': {
      const mode = values.provision as ProvisionMode;
      if (!['auto', 'local', 'docker'].includes(mode)) {
        console.error(`--provision must be auto, local or docker (got ${mode})`);
        return 2;
      }
      return up(kinds, mode, values.heap);
    }
    case 'down':
      return down(kinds);
    case 'status':
      return status(kinds);
    default:
      console.error(`unknown servers command: ${command}\n${USAGE}`);
      return 2;
  }
}
