import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../backend.ts';
import { BackendUnavailableError } from '../errors.ts';
import { assertError, serveForTests, type HttpCall, type LogRecord } from './client.ts';
import type { WorkloadConformance } from './workload-conformance.ts';

/**
 * Every workload's store requests and /readyz answer 503 with the stable body (nothing of the driver's
 * message in it), each 503 is a BackendUnavailableError (anything untyped would be a 500 "unexpected
 * error"), and each left one `error` log line with its request id and the database error's class.
 */
export async function assertStoresUnavailable(
  http: HttpCall,
  workloads: readonly WorkloadConformance[],
  logged: readonly LogRecord[],
): Promise<void> {
  const requests = [...workloads.flatMap((w) => w.storeRequests), { method: 'GET', path: '/readyz' }];
  const replies = await Promise.all(requests.map((r) => http(r.method, r.path, r.body)));
  replies.forEach((reply, i) => {
    assert.equal(reply.status, 503, `${requests[i]!.method} ${requests[i]!.path}: ${JSON.stringify(reply.body)}`);
    assertError(reply, 503);
  });
  assert.deepEqual(
    logged.filter((record) => record.msg === 'unexpected error'),
    [],
    'every 503 is a BackendUnavailableError',
  );
  for (const reply of replies) {
    const id = reply.headers.get('x-request-id');
    const line = logged.find((record) => record.reqId === id);
    assert.ok(line, `a log line for the 503 of request ${id}`);
    assert.equal(line.level, 'error');
    assert.equal(line.msg, 'backend unavailable');
    assert.equal(line.status, 503);
    assert.equal(typeof (line.dbError as { class?: unknown }).class, 'string', 'names the database error class');
  }
}

/**
 * Once the backend has seen its server fail, it knows: another round of every store request answers
 * 503 within 0.5 s in all (no call waits out a driver's connect or server selection timeout again).
 */
export async function assertFailingFast(http: HttpCall, workloads: readonly WorkloadConformance[]): Promise<void> {
  const requests = workloads.flatMap((w) => w.storeRequests);
  const started = performance.now();
  const replies = await Promise.all(requests.map((r) => http(r.method, r.path, r.body)));
  const ms = Math.round(performance.now() - started);
  for (const reply of replies) assertError(reply, 503);
  assert.ok(ms < 500, `the second round of 503s took ${ms} ms: the backend should fail fast once it knows`);
}

/** The no-server behaviour: a backend pointed at a server that does not answer fails fast and says so. */
export function describeNoServer(
  name: string,
  unreachable: () => Promise<Backend>,
  skip: string | undefined,
  workloads: readonly WorkloadConformance[],
): void {
  describe(`conformance: ${name} with its server unreachable`, { skip }, () => {
    const { http, backend, logged } = serveForTests(unreachable);

    test('data routes answer 503 within 5 s, then at once; liveness stays 200', { timeout: 60_000 }, async () => {
      const started = Date.now();
      await assertStoresUnavailable(http, workloads, logged);
      assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
      await assertFailingFast(http, workloads);
      assert.equal((await http('GET', '/healthz')).status, 200);
      // Validation still comes first: bad input is a 400 even with the database down.
      for (const bad of workloads.flatMap((w) => w.invalidRequests)) {
        assertError(await http(bad.method, bad.path, bad.body), 400, bad.field);
      }
    });

    test(
      'every lifecycle call and bulk load rejects with BackendUnavailableError within 5 s',
      { timeout: 20_000 },
      async () => {
        const down = backend();
        const started = Date.now();
        const calls = [down.ping(), down.migrate(), down.reset(), ...workloads.map((w) => w.loadFixtures(down))];
        await Promise.all(calls.map((call) => assert.rejects(call, BackendUnavailableError)));
        assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
      },
    );
  });
}
