import type { Db } from 'mongodb';

/**
 * Names what actually answers on the wire: genuine MongoDB, or a stand-in that
 * speaks its protocol (FerretDB says so in buildInfo; results must never call
 * a stand-in "MongoDB").
 */
export async function describeServer(admin: Db): Promise<string> {
  const info = await admin.command({ buildInfo: 1 });
  const wire = typeof info.version === 'string' ? info.version : 'unknown';
  if (typeof info.ferretdbVersion === 'string') {
    const backend = await ferretdbBackend(admin);
    return `FerretDB ${info.ferretdbVersion.replace(/^v/, '')}${backend ? `/${backend}` : ''} (MongoDB wire ${wire})`;
  }
  const status = await admin.command({ serverStatus: 1 }).catch(() => undefined);
  const engine = (status?.storageEngine as { name?: unknown } | undefined)?.name;
  // mongo-java-server answers serverStatus with process "java" and announces whatever wire version it was given;
  // storebench's main class names its storage and durability there (scripts/servers/mongo/StorebenchMongoServer.java).
  if (status?.process === 'java') {
    return `mongo-java-server (MongoDB wire ${wire}${typeof engine === 'string' ? `; ${engine}` : ''})`;
  }
  if (typeof status?.process === 'string' && status.process !== 'mongod' && status.process !== 'mongos') {
    return `${status.process} (MongoDB wire ${wire})`;
  }
  return `MongoDB ${wire}${typeof engine === 'string' ? ` (${engine})` : ''}`;
}

/** FerretDB names its storage backend in getParameter/serverStatus depending on the version; best effort. */
async function ferretdbBackend(admin: Db): Promise<string | undefined> {
  const status = await admin.command({ serverStatus: 1 }).catch(() => undefined);
  const engine = (status?.storageEngine as { name?: unknown } | undefined)?.name;
  if (typeof engine === 'string') return engine;
  return undefined;
}
