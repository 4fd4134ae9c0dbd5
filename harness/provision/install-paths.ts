import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: docker-compose.yml, scripts/servers/ (install script, poms) and the default state dir. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where scripts/servers/install puts the Java servers (Cassandra jars, mongo-java-server). */
export function serversHome(): string {
  return process.env.STOREBENCH_SERVERS_HOME ?? '/opt/storebench';
}

export const INSTALL_HINT = 'run `sudo bash scripts/servers/install` (or `storebench servers install` as root)';

/** A version the install script fetches: scripts/servers/<pom>/pom.xml is its single source of truth. */
export function pomProperty(pom: string, name: string): string {
  const text = readFileSync(join(REPO_ROOT, 'scripts', 'servers', pom, 'pom.xml'), 'utf8');
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(text);
  if (!match?.[1]) throw new Error(`no <${name}> in scripts/servers/${pom}/pom.xml`);
  return match[1];
}

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

export function javaBinary(): string | undefined {
  if (process.env.JAVA_HOME && existsSync(join(process.env.JAVA_HOME, 'bin', 'java'))) {
    return join(process.env.JAVA_HOME, 'bin', 'java');
  }
  return onPath('java');
}

/** For the Java servers' `missingForLocal`: what to install when no java is found, else null. */
export function missingJava(): string | null {
  return javaBinary() ? null : `Java 17 (apt package openjdk-17-jdk-headless): ${INSTALL_HINT}`;
}
