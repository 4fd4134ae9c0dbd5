import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../../../adapters/cassandra/index.ts';
import type { ServerKind } from '../kinds/index.ts';

/**
 * How a backend's database is laid out: one server (the default), a Cassandra ring, or a PostgreSQL
 * primary with a streaming hot standby. The MongoDB-wire stand-in has no replica sets, so mongo only
 * ever runs as a single server.
 */
export type ClusterLayout =
  | { kind: 'single' }
  | {
      kind: 'cassandra-ring';
      nodes: number;
      /** Replicas per row (NetworkTopologyStrategy in the one datacenter). */
      replicationFactor: number;
      /** Level of every read and write (LWTs use LOCAL_SERIAL). */
      consistency: ConsistencyLevel;
    }
  | {
      kind: 'postgres-standby';
      /** A commit waits for the standby (synchronous_standby_names) or not. */
      synchronous: boolean;
      /** Read-only requests go to the standby (else everything goes to the primary). */
      readsFromStandby: boolean;
      /** Seconds after the primary is lost until the harness, as failover manager, promotes the standby. */
      failoverAfterS: number;
    };

export const SINGLE_SERVER: ClusterLayout = { kind: 'single' };

/** Why the mongo stand-in cannot be clustered: said wherever the cluster dimension is shown. */
export const MONGO_NO_REPLICA_SET =
  'the MongoDB-wire stand-in (mongo-java-server) has no replica sets: mongo runs as a single server in every cluster layout';

/** The server kind a layout is for (undefined: any kind). */
export function layoutKind(layout: ClusterLayout): ServerKind | undefined {
  if (layout.kind === 'cassandra-ring') return 'cassandra';
  if (layout.kind === 'postgres-standby') return 'postgres';
  return undefined;
}

/**
 * Parses one `--cluster` item: `single`; `cassandra:3` (a 3-node ring at RF 3 and LOCAL_QUORUM), with
 * optional `rf=N` and `cl=LEVEL`; `postgres:standby` (asynchronous), `postgres:standby:sync`, with
 * optional `reads=standby` and `failover=5s`. Throws a RangeError naming the bad part.
 */
export function parseClusterLayout(text: string): ClusterLayout {
  const [kind, ...parts] = text.trim().split(':');
  const bad = (why: string): RangeError => new RangeError(`--cluster "${text}": ${why}`);
  if (kind === 'single' && parts.length === 0) return SINGLE_SERVER;
  if (kind === 'mongo') throw bad(MONGO_NO_REPLICA_SET);
  if (kind === 'cassandra') {
    const nodes = Number(parts.shift());
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw bad('the node count comes first, 1..9 (cassandra:3)');
    let replicationFactor = Math.min(3, nodes);
    let consistency: ConsistencyLevel = 'LOCAL_QUORUM';
    for (const part of parts) {
      const [key, value = ''] = part.split('=');
      if (key === 'rf' && Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= nodes) {
        replicationFactor = Number(value);
      } else if (key === 'cl' && (CONSISTENCY_LEVELS as readonly string[]).includes(value.toUpperCase())) {
        consistency = value.toUpperCase() as ConsistencyLevel;
      } else throw bad(`unknown part "${part}" (rf=1..${nodes}, cl=${CONSISTENCY_LEVELS.join('|').toLowerCase()})`);
    }
    return { kind: 'cassandra-ring', nodes, replicationFactor, consistency };
  }
  if (kind === 'postgres') {
    if (parts.shift() !== 'standby') throw bad('postgres:standby[:sync][:reads=standby][:failover=5s]');
    const layout = {
      kind: 'postgres-standby' as const,
      synchronous: false,
      readsFromStandby: false,
      failoverAfterS: 5,
    };
    for (const part of parts) {
      if (part === 'sync') layout.synchronous = true;
      else if (part === 'async') layout.synchronous = false;
      else if (part === 'reads=standby') layout.readsFromStandby = true;
      else if (/^failover=\d+(\.\d+)?s$/.test(part)) layout.failoverAfterS = Number(part.slice(9, -1));
      else throw bad(`unknown part "${part}" (sync, async, reads=standby, failover=Ns)`);
    }
    // Right after a write, an asynchronous standby may not have it yet: the verification stage would
    // see a stale read and stop the run, so reads from the standby need synchronous replication.
    if (layout.readsFromStandby && !layout.synchronous) {
      throw bad('reads=standby needs sync (an asynchronous standby serves stale reads right after a write)');
    }
    return layout;
  }
  throw bad('expected single, cassandra:N[:rf=N][:cl=LEVEL] or postgres:standby[:sync][:reads=standby]');
}

/** The `--cluster` item that parses back to `layout` (recorded in run.json so a run can be repeated). */
export function clusterSpec(layout: ClusterLayout): string {
  switch (layout.kind) {
    case 'single':
      return 'single';
    case 'cassandra-ring':
      return `cassandra:${layout.nodes}:rf=${layout.replicationFactor}:cl=${layout.consistency.toLowerCase()}`;
    case 'postgres-standby':
      return [
        'postgres:standby',
        layout.synchronous ? 'sync' : 'async',
        ...(layout.readsFromStandby ? ['reads=standby'] : []),
        `failover=${layout.failoverAfterS}s`,
      ].join(':');
  }
}

/** For labels: `single`, `ring3`, `ring3 rf2 one`, `standby-async`, `standby-sync reads-standby`. */
export function clusterLabel(layout: ClusterLayout): string {
  switch (layout.kind) {
    case 'single':
      return 'single';
    case 'cassandra-ring': {
      const parts = [`ring${layout.nodes}`];
      if (layout.replicationFactor !== Math.min(3, layout.nodes)) parts.push(`rf${layout.replicationFactor}`);
      if (layout.consistency !== 'LOCAL_QUORUM') parts.push(layout.consistency.toLowerCase());
      return parts.join(' ');
    }
    case 'postgres-standby':
      return `standby-${layout.synchronous ? 'sync' : 'async'}${layout.readsFromStandby ? ' reads-standby' : ''}`;
  }
}

/** A sentence for reports: what the layout is and what it promises. */
export function clusterDescription(layout: ClusterLayout): string {
  switch (layout.kind) {
    case 'single':
      return 'one server';
    case 'cassandra-ring':
      return (
        `a ${layout.nodes}-node Cassandra ring, replication factor ${layout.replicationFactor}, ` +
        `${layout.consistency} reads and writes`
      );
    case 'postgres-standby':
      return (
        `a PostgreSQL primary with a streaming hot standby, ${layout.synchronous ? 'synchronous' : 'asynchronous'} ` +
        `replication${layout.readsFromStandby ? ', reads from the standby' : ''}; ` +
        `the standby is promoted ${layout.failoverAfterS} s after the primary is lost`
      );
  }
}
