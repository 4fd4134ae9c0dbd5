import { parseArgs } from 'node:util';
import {
  downServers,
  installServers,
  isServerKind,
  SERVER_KIND_NAMES,
  serversStatus,
  upServers,
  type ProvisionMode,
  type ServerKind,
  type ServersEvent,
} from '../provision/index.ts';

const USAGE = `usage: storebench servers <install|up|down|status> [--backend ${SERVER_KIND_NAMES.join(',')}]
  install   apt packages + Cassandra / mongo-java-server jars (root; runs scripts/servers/install)
  up        start the servers detached and record them in .storebench/servers.json
            --provision auto|local|docker (default auto: docker if an engine answers, else local)
            --heap 1G   JVM heap of Cassandra and the Java MongoDB-wire server
  down      stop the servers \`up\` started and remove their temp dirs (external ones are never touched)
  status    run a real query on each recorded server and print its version (exit 1 if one does not answer)`;

function parseKinds(value: string | undefined): ServerKind[] {
  if (!value) return [...SERVER_KIND_NAMES];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return kinds.map((kind) => {
    if (!isServerKind(kind)) {
      throw new Error(`unknown backend server "${kind}" (known: ${SERVER_KIND_NAMES.join(', ')})`);
    }
    return kind;
  });
}

/** One line per event; failures go to stderr. */
function print(event: ServersEvent): void {
  const name = 'kind' in event ? event.kind.padEnd(9) : '';
  switch (event.type) {
    case 'already-running':
      return console.log(`${name} already running  ${event.endpoint.url}  (${event.endpoint.version ?? '?'})`);
    case 'starting':
      return console.log(`starting ${event.kinds.join(', ')} via ${event.provisioner}…`);
    case 'up': {
      const { startupMs, endpoint } = event.server;
      return console.log(`${name} up in ${(startupMs / 1000).toFixed(1)} s  ${endpoint.url}  (${endpoint.version})`);
    }
    case 'failed':
      return console.error(`${event.kind} FAILED: ${event.message}`);
    case 'all-started':
      return console.log(`done in ${(event.elapsedMs / 1000).toFixed(1)} s; state in ${event.stateFile}`);
    case 'left-alone':
      return console.log(`${name} external, left alone`);
    case 'still-running':
      return console.error(`${name} pid ${event.pid} still running`);
    case 'stopped': {
      const { dataDir } = event.endpoint;
      return console.log(`${name} stopped${dataDir ? `, removed ${dataDir}` : ''}`);
    }
    case 'not-running':
      return console.log(`${name} not running (storebench servers up)`);
    case 'answers': {
      const { endpoint, version } = event;
      // The recorded label can say more than the probe (e.g. which stand-in answers the MongoDB wire).
      const label = endpoint.version && endpoint.version !== version ? endpoint.version : version;
      return console.log(
        `${name} OK   ${version.padEnd(22)} ${endpoint.url}  pid ${endpoint.pid ?? '-'}  query ${event.queryMs} ms  [${label}]`,
      );
    }
    case 'not-answering':
      return console.log(`${name} DOWN ${event.endpoint.url}: ${event.message}`);
  }
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
  const exitCode = (ok: boolean): number => (ok ? 0 : 1);
  switch (command) {
    case 'install':
      return installServers();
    case 'up': {
      const mode = values.provision as ProvisionMode;
      if (!['auto', 'local', 'docker'].includes(mode)) {
        console.error(`--provision must be auto, local or docker (got ${mode})`);
        return 2;
      }
      return exitCode(await upServers(kinds, { mode, ...(values.heap && { javaHeap: values.heap }) }, print));
    }
    case 'down':
      return exitCode(await downServers(kinds, print));
    case 'status':
      return exitCode(await serversStatus(kinds, print));
    default:
      console.error(`unknown servers command: ${command}\n${USAGE}`);
      return 2;
  }
}
