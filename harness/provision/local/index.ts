import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerKind } from '../state.ts';
import type { ProvisionedServer, ProvisionOptions, Provisioner } from '../types.ts';
import { startLocalCassandra } from './cassandra.ts';
import {
  cassandraLibDir,
  cassandraVersion,
  INSTALL_HINT,
  javaBinary,
  mongoJavaServerDir,
  mongoJavaServerVersion,
  onPath,
  postgresBinDir,
} from '../install-paths.ts';
import { startLocalMongo } from './mongo.ts';
import { startLocalPostgres } from './postgres.ts';
import { startLocalRedis } from './redis.ts';

export { POSTGRES_SETTINGS } from './postgres.ts';
export { serversHome } from '../install-paths.ts';

/** What is missing to run `kind` natively here, or null when everything is installed. */
export function missingForLocal(kind: ServerKind): string | null {
  switch (kind) {
    case 'postgres':
      return postgresBinDir() ? null : `PostgreSQL server binaries (apt package postgresql): ${INSTALL_HINT}`;
    case 'redis':
      return onPath('redis-server') ? null : `redis-server (apt package redis-server): ${INSTALL_HINT}`;
    case 'cassandra': {
      if (!javaBinary()) return `Java 17 (apt package openjdk-17-jdk-headless): ${INSTALL_HINT}`;
      const lib = cassandraLibDir();
      const hasJar = existsSync(lib) && readdirSync(lib).includes(`cassandra-all-${cassandraVersion()}.jar`);
      return hasJar ? null : `Cassandra ${cassandraVersion()} jars in ${lib}: ${INSTALL_HINT}`;
    }
    case 'mongo': {
      if (!javaBinary()) return `Java 17 (apt package openjdk-17-jdk-headless): ${INSTALL_HINT}`;
      const classFile = join(mongoJavaServerDir(), 'classes', 'StorebenchMongoServer.class');
      return existsSync(classFile)
        ? null
        : `mongo-java-server ${mongoJavaServerVersion()} in ${mongoJavaServerDir()}: ${INSTALL_HINT}`;
    }
  }
}

/** Native server processes in fresh temp dirs on free loopback ports. */
export class LocalProvisioner implements Provisioner {
  readonly name = 'local' as const;

  unavailableReason(kind: ServerKind): Promise<string | null> {
    return Promise.resolve(missingForLocal(kind));
  }

  async start(kind: ServerKind, options: ProvisionOptions = {}): Promise<ProvisionedServer> {
    const missing = missingForLocal(kind);
    if (missing) throw new Error(`cannot start ${kind} locally: missing ${missing}`);
    switch (kind) {
      case 'postgres':
        return startLocalPostgres(options);
      case 'redis':
        return startLocalRedis(options);
      case 'cassandra':
        return startLocalCassandra(options);
      case 'mongo':
        return startLocalMongo(options);
    }
  }
}
