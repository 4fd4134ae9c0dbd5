import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../backend.ts';
import { BackendUnavailableError } from '../errors.ts';
import { assertError, serveForTests, type HttpCall } from './client.ts';
import type { WorkloadConformance } from './workload-conformance.ts';

/**
 * Every workload's store requests and /readyz answer 503, and each 503 is a BackendUnavailableError
 * (the app logs those as "backend unavailable"; anything untyped would be an "unexpected error").
 */
export async function assertStoresUnavailable(
  http: HttpCall,
  workloads: readonly WorkloadConformance[],
  logged: readonly string[],
): Promise<void> {
  const requests = [...workloads.flatMap((w) => w.storeRequests), { method: 'GET', path: '/readyz' }];
  const replies = await Promise.all(requests.map((r) => http(r.method, r.path, r.body)));
  replies.forEach((reply, i) => {
    assert.equal(reply.status, 503, `${requests[i]!.method} ${requests[i]!.path}: ${JSON.stringify(reply.body)}`);
    assertError(reply, 503);
  });
  assert.deepEqual(
    logged.filter((message) => message.endsWith('unexpected error')),
    [],
    'every 503 is a BackendUnavailableError',
  );
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

    test('data routes answer 503 within 5 s, liveness stays 200', { timeout: 60_000 }, async () => {
      const started = Date.now();
      await assertStoresUnavailable(http, workloads, logged);
      assert.ok(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
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
