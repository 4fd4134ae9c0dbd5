import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: docker-compose.yml, scripts/servers/ (install script, poms) and the default state dir. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where scripts/servers/install puts the Java servers (Cassandra jars, mongo-java-server). */
export function serversHome(): string {
  return process.env.STOREBENCH_SERVERS_HOME ?? '/opt/storebench';
}

export const INSTALL_HINT = 'run `sudo bash scripts/servers/install` (or `storebench servers install` as root)';

function pomProperty(pom: string, name: string): string {
  const text = readFileSync(join(REPO_ROOT, 'scripts', 'servers', pom, 'pom.xml'), 'utf8');
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(text);
  if (!match?.[1]) throw new Error(`no <${name}> in scripts/servers/${pom}/pom.xml`);
  return match[1];
}

/** The versions the install script fetches (the poms are the single source of truth). */
export const cassandraVersion = (): string => pomProperty('cassandra', 'cassandra.version');
export const mongoJavaServerVersion = (): string => pomProperty('mongo', 'mongo-java-server.version');

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The newest /usr/lib/postgresql/<major>/bin holding initdb (Debian puts server binaries off PATH). */
export function postgresBinDir(): string | undefined {
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

export function javaBinary(): string | undefined {
  if (process.env.JAVA_HOME && existsSync(join(process.env.JAVA_HOME, 'bin', 'java'))) {
    return join(process.env.JAVA_HOME, 'bin', 'java');
  }
  return onPath('java');
}

export function cassandraLibDir(): string {
  return join(serversHome(), `cassandra-${cassandraVersion()}`, 'lib');
}

export function mongoJavaServerDir(): string {
  return join(serversHome(), `mongo-java-server-${mongoJavaServerVersion()}`);
}
