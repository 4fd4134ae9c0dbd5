import type { ServerKindDescriptor } from '../types.ts';
import { cassandra } from './cassandra.ts';
import { mongo } from './mongo.ts';
import { postgres } from './postgres.ts';
import { redis } from './redis.ts';

export { POSTGRES_SETTINGS } from './postgres.ts';

/**
 * Every database server storebench can provision, in the order `storebench servers` lists them.
 * A new kind is one module beside these (a ServerKindDescriptor) and one entry here.
 */
export const SERVER_KINDS = [postgres, cassandra, mongo, redis] as const;

/** The name of a server kind: `postgres`, `cassandra`, `mongo` or `redis`. */
export type ServerKind = (typeof SERVER_KINDS)[number]['name'];

export const SERVER_KIND_NAMES: readonly ServerKind[] = SERVER_KINDS.map((kind) => kind.name);

export function isServerKind(name: string): name is ServerKind {
  return (SERVER_KIND_NAMES as readonly string[]).includes(name);
}

/** The descriptor of a kind. */
export function serverKind(name: ServerKind): ServerKindDescriptor<ServerKind> {
  const kind = SERVER_KINDS.find((k) => k.name === name);
  if (!kind) throw new RangeError(`unknown server kind "${name}" (known: ${SERVER_KIND_NAMES.join(', ')})`);
  return kind;
}
