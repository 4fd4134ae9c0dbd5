import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  createStorebenchDatabase,
  initPostgresCluster,
  postgresIds,
  postgresLaunchSpec,
  postgresUrl,
  requirePostgresBin,
} from '../kinds/postgres.ts';
import { freeLoopbackPort } from '../ports.ts';
import type { ClusterStartOptions } from './cassandra-ring.ts';
import type { ClusterLayout } from './layout.ts';
import { startMembers } from './launched-cluster.ts';
import { LaunchedMember } from './launched-member.ts';
import type { RunningCluster } from './types.ts';

const run = promisify(execFile);

type StandbyLayout = Extract<ClusterLayout, { kind: 'postgres-standby' }>;

/** The standby's name in synchronous_standby_names and pg_stat_replication. */
const STANDBY_NAME = 'standby';

/**
 * Streaming replication on both servers. Timeouts of the replication connection are off because the
 * harness pauses (SIGSTOP) both servers between trials: a paused pair would otherwise drop and
 * re-establish replication at the start of every trial. A lost server is the failover manager's
 * business (afterMemberLost), as it would be Patroni's.
 */
const REPLICATION_SETTINGS: Readonly<Record<string, string>> = {
  wal_level: 'replica',
  max_wal_senders: '10',
  wal_keep_size: '1GB',
  hot_standby: 'on',
  hot_standby_feedback: 'on',
  wal_sender_timeout: '0',
  wal_receiver_timeout: '0',
};

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, query_timeout: 70_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A PostgreSQL primary with a streaming hot standby, both native: initdb of the primary, then
 * pg_basebackup of it into the standby's data directory (run from the standby's host, over the same
 * network as the API), `synchronous_standby_names` when the layout is synchronous. The URL lists both
 * servers libpq style (`target_session_attrs=read-write`, plus `reads=standby` when the layout reads
 * from it), so the API's adapter follows a promotion. The harness plays the failover manager: the
 * standby is promoted `failoverAfterS` after the primary is lost; a synchronous primary that lost
 * its standby stops waiting for it after the same delay (Patroni's non-strict synchronous mode).
 */
export async function startPostgresStandby(
  layout: StandbyLayout,
  options: ClusterStartOptions = {},
): Promise<RunningCluster> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const prefix = options.hostPrefix ?? 'postgres';
  let promoted = false;
  return startMembers('postgres primary+standby', async (members) => {
    const network = options.network;
    const [primaryHost, standbyHost] = network
      ? [await network.addHost(`${prefix}-primary`), await network.addHost(`${prefix}-standby`)]
      : [undefined, undefined];
    const primaryAt = {
      address: primaryHost?.address ?? '127.0.0.1',
      port: primaryHost ? 5432 : await freeLoopbackPort(),
    };
    const standbyAt = {
      address: standbyHost?.address ?? '127.0.0.1',
      port: standbyHost ? 5432 : await freeLoopbackPort(),
    };

    // The primary; it turns synchronous once the standby streams (before, a commit would wait for nobody forever).
    const primaryDirs = initPostgresCluster({ remoteHosts: network !== undefined, prefix: 'storebench-pg-primary-' });
    const commit = layout.synchronous ? (layout.readsFromStandby ? 'remote_apply' : 'on') : 'on';
    const primary = new LaunchedMember(
      'primary',
      'primary',
      {
        ...postgresLaunchSpec({
          ...primaryDirs,
          ...primaryAt,
          ...(primaryHost && { namespace: primaryHost.namespace! }),
          settings: { ...REPLICATION_SETTINGS, synchronous_commit: commit },
          ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
        }),
        probeUrl: postgresUrl(primaryAt.address, primaryAt.port, 'postgres'),
        endpointUrl: postgresUrl(primaryAt.address, primaryAt.port),
        afterReady: () => createStorebenchDatabase(primaryAt.address, primaryAt.port),
      },
      primaryAt.address,
      primaryHost?.name,
      () => (promoted ? 'the standby was promoted: the old primary would need pg_rewind to rejoin as a standby' : null),
    );
    members.push(primary);
    await primary.start();
    log(
      `postgres standby: primary at ${primaryAt.address}:${primaryAt.port} up in ${(primary.startupMs() / 1000).toFixed(1)} s`,
    );

    // The standby: a base backup of the primary taken from the standby's own host.
    const ids = postgresIds();
    const standbyDir = mkdtempSync(join(tmpdir(), 'storebench-pg-standby-'));
    const standbyData = join(standbyDir, 'data');
    try {
      if (ids) chownSync(standbyDir, ids.uid, ids.gid);
      const basebackup = [
        join(requirePostgresBin(), 'pg_basebackup'),
        '-h',
        primaryAt.address,
        '-p',
        String(primaryAt.port),
        '-U',
        'storebench',
        '-D',
        standbyData,
        '-X',
        'stream',
        '-c',
        'fast',
        '-R',
        '--no-sync', // a throw-away copy: the standby's own writes are fsynced as usual
      ];
      const asUser = ids ? ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--init-groups'] : [];
      const argv = [...(standbyHost ? ['ip', 'netns', 'exec', standbyHost.namespace!] : []), ...asUser, ...basebackup];
      await run(argv[0]!, argv.slice(1), { env: { ...process.env, PGPASSWORD: 'storebench' }, timeout: 120_000 });
      appendFileSync(
        join(standbyData, 'postgresql.auto.conf'),
        `primary_conninfo = 'host=${primaryAt.address} port=${primaryAt.port} user=storebench ` +
          `password=storebench application_name=${STANDBY_NAME}'\n`,
      );
    } catch (error) {
      rmSync(standbyDir, { recursive: true, force: true });
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`pg_basebackup failed: ${(error as Error).message}\n${stderr}`);
    }
    const standby = new LaunchedMember(
      'standby',
      'standby',
      {
        ...postgresLaunchSpec({
          dir: standbyDir,
          dataDir: standbyData,
          ...standbyAt,
          ...(standbyHost && { namespace: standbyHost.namespace! }),
          settings: REPLICATION_SETTINGS,
          ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
        }),
        probeUrl: postgresUrl(standbyAt.address, standbyAt.port, 'postgres'),
        endpointUrl: postgresUrl(standbyAt.address, standbyAt.port),
      },
      standbyAt.address,
      standbyHost?.name,
    );
    members.push(standby);
    await standby.start();
    log(
      `postgres standby: standby at ${standbyAt.address}:${standbyAt.port} up in ${(standby.startupMs() / 1000).toFixed(1)} s`,
    );

    const primaryAdmin = postgresUrl(primaryAt.address, primaryAt.port, 'postgres');
    if (layout.synchronous) {
      // ALTER SYSTEM, not the command line: failover may have to switch it off again.
      await sql(primaryAdmin, `ALTER SYSTEM SET synchronous_standby_names = '${STANDBY_NAME}'`);
      await sql(primaryAdmin, 'SELECT pg_reload_conf()');
    }
    const want = layout.synchronous ? 'sync' : 'async';
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await sql<{ state: string; sync_state: string }>(
        primaryAdmin,
        `SELECT state, sync_state FROM pg_stat_replication WHERE application_name = '${STANDBY_NAME}'`,
      );
      if (rows[0]?.state === 'streaming' && rows[0].sync_state === want) break;
      if (Date.now() > deadline)
        throw new Error(`the standby is not streaming (${want}) after 30 s: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const auth = 'storebench:storebench';
    const query = `target_session_attrs=read-write${layout.readsFromStandby ? '&reads=standby' : ''}`;
    const url =
      `postgres://${auth}@${primaryAt.address}:${primaryAt.port},${standbyAt.address}:${standbyAt.port}` +
      `/storebench?${query}`;
    return {
      kind: 'postgres' as const,
      layout,
      url,
      version: primary.version(),
      started,
      afterMemberLost: async (name) => {
        await new Promise((r) => setTimeout(r, layout.failoverAfterS * 1000));
        const lostIsPrimary = (name === 'primary' && !promoted) || (name === 'standby' && promoted);
        const survivor = name === 'primary' ? standby : primary;
        if (survivor.pid() === undefined) return `no failover: the ${survivor.name} is not running either`;
        const admin = postgresUrl(survivor.address, Number(new URL(survivor.url).port), 'postgres');
        if (lostIsPrimary) {
          await sql(admin, 'SELECT pg_promote(true, 60)');
          promoted = true;
          survivor.setRole('primary');
          return `the standby was promoted to primary ${layout.failoverAfterS} s after the primary was lost`;
        }
        if (!layout.synchronous) return null;
        await sql(admin, `ALTER SYSTEM SET synchronous_standby_names = ''`);
        await sql(admin, 'SELECT pg_reload_conf()');
        return `${layout.failoverAfterS} s after the standby was lost the primary stopped waiting for it (asynchronous from then on)`;
      },
      beforeHeal: async (name) => {
        if (!(name === 'primary' && promoted) || primary.pid() === undefined) return null;
        await primary.kill();
        return 'the old primary was fenced (killed) before its link came back: two primaries would both take writes';
      },
      settle: async () => {
        // Everything written so far is replayed on the standby before anything is measured.
        const until = Date.now() + 60_000;
        for (;;) {
          const rows = await sql<{ behind: string }>(
            primaryAdmin,
            `SELECT (pg_current_wal_lsn() - replay_lsn)::text AS behind FROM pg_stat_replication WHERE application_name = '${STANDBY_NAME}'`,
          );
          if (rows[0]?.behind === '0') return;
          if (Date.now() > until) throw new Error(`the standby is ${rows[0]?.behind ?? '?'} bytes behind after 60 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    };
  });
}
