import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testServer } from '../../core/conformance/test-servers.ts';
import { createPostgresBackend } from './index.ts';
import { parsePostgresHosts } from './postgres-hosts.ts';

describe('postgres URLs with several hosts', () => {
  test('parse libpq style; target_session_attrs and reads choose the servers', () => {
    const one = parsePostgresHosts('postgres://u:p@127.0.0.1:5433/db');
    assert.deepEqual(one.hosts, [{ host: '127.0.0.1', port: 5433 }]);
    assert.equal(one.targetSessionAttrs, 'any');
    assert.equal(one.reads, 'primary');
    const two = parsePostgresHosts(
      'postgres://u:p@10.0.0.1:5432,10.0.0.2/db?target_session_attrs=read-write&reads=standby&sslmode=disable',
    );
    assert.deepEqual(two.hosts, [
      { host: '10.0.0.1', port: 5432 },
      { host: '10.0.0.2', port: 5432 },
    ]);
    assert.equal(two.targetSessionAttrs, 'read-write');
    assert.equal(two.reads, 'standby');
    assert.equal(two.urlOf(1), 'postgres://u:p@10.0.0.2:5432/db?sslmode=disable', 'our parameters stay ours');
    assert.equal(
      parsePostgresHosts('postgres://u:p@a,b/db').targetSessionAttrs,
      'read-write',
      'several hosts: the primary',
    );
    assert.throws(() => parsePostgresHosts('postgres://u:p@a/db?target_session_attrs=fastest'), /target_session_attrs/);
    assert.throws(() => parsePostgresHosts('postgres://u:p@a/db?reads=replica'), /reads must be/);
    assert.throws(() => parsePostgresHosts('mysql://a/db'), /bad url/);
  });

  const { url: serverUrl, skip } = testServer('postgres');
  test(
    'a host that does not answer is passed over for the one that is the primary; with none, calls fail at once',
    { skip },
    async () => {
      const url = new URL(serverUrl!);
      // Port 1 of loopback refuses connections: the "dead" server listed first.
      const listed = `postgres://${url.username}:${url.password}@127.0.0.1:1,${url.host}${url.pathname}`;
      const backend = createPostgresBackend({ url: listed });
      try {
        assert.match(await backend.serverVersion(), /^PostgreSQL \d+/);
      } finally {
        await backend.close();
      }
      const none = createPostgresBackend({
        url: `postgres://${url.username}:${url.password}@127.0.0.1:1,127.0.0.1:2${url.pathname}`,
      });
      try {
        const started = performance.now();
        await assert.rejects(none.serverVersion(), /no server fits target_session_attrs=read-write/);
        assert.ok(performance.now() - started < 3_000, 'no hang');
      } finally {
        await none.close();
      }
    },
  );
});
