import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../backend.ts';
import { BackendUnavailableError } from '../errors.ts';
import { serveForTests, type HttpCall } from './client.ts';
import { assertFailingFast, assertStoresUnavailable } from './no-server.ts';
import { Relay } from './relay.ts';
import type { WorkloadConformance } from './workload-conformance.ts';

/** How an adapter takes part in the outage behaviour: a relay goes between the backend and its real server. */
export interface OutageCase {
  /** The real server, which the relay forwards to (asked only when the suite runs). */
  server(): { host: string; port: number };
  /** A backend that reaches the server through the relay on 127.0.0.1:`port`, with short connect timeouts. */
  through(port: number): Promise<Backend>;
  /** Why the adapter skips the cut-while-serving case, if it does; the started-while-down case always runs. */
  skipCut?: string | undefined;
}

/** Retries `call` every 200 ms until it resolves; after `ms`, its last failure is the test's. */
async function eventually(call: () => Promise<unknown>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await call();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Once the server answers again, every store request reaches it: no 5xx. */
async function assertStoresAnswer(http: HttpCall, workloads: readonly WorkloadConformance[]): Promise<void> {
  for (const request of workloads.flatMap((w) => w.storeRequests)) {
    const reply = await http(request.method, request.path, request.body);
    assert.ok(reply.status < 500, `${request.method} ${request.path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}

/**
 * The outage behaviour: while the relay is off every store route answers 503 promptly (no hang),
 * and once it is back the backend serves again by itself, without a restart.
 */
export function describeOutage(
  name: string,
  outage: OutageCase,
  skip: string | undefined,
  workloads: readonly WorkloadConformance[],
): void {
  describe(`conformance: ${name} across server outages`, { skip }, () => {
    let relay: Relay | undefined;
    const { http, backend, logged } = serveForTests(
      async () => {
        relay = await Relay.to(outage.server());
        return outage.through(relay.port);
      },
      async () => relay?.down(),
    );

    test(
      'started while its server is down: store routes answer 503 within 6 s, then it recovers by itself',
      { timeout: 60_000 },
      async () => {
        const started = Date.now();
        await assert.rejects(backend().ping(), BackendUnavailableError);
        await assertStoresUnavailable(http, workloads, logged);
        assert.ok(Date.now() - started < 6_000, `503 after ${Date.now() - started} ms`);
        await relay!.up();
        await eventually(() => backend().ping(), 10_000);
        await backend().migrate();
        for (const workload of workloads) {
          const readBack = await workload.writeAndReadBack?.(http);
          await readBack?.();
        }
        await assertStoresAnswer(http, workloads);
      },
    );

    test(
      'cut while serving: store routes answer 503 within 6 s, then it recovers by itself',
      { timeout: 60_000, skip: outage.skipCut },
      async () => {
        await relay!.up();
        await eventually(() => backend().ping(), 10_000);
        const readBacks: (() => Promise<void>)[] = [];
        for (const workload of workloads) {
          if (workload.writeAndReadBack) readBacks.push(await workload.writeAndReadBack(http));
        }
        await relay!.down();
        const cut = Date.now();
        await assert.rejects(backend().ping(), BackendUnavailableError);
        await assertStoresUnavailable(http, workloads, logged);
        assert.ok(Date.now() - cut < 6_000, `503 after ${Date.now() - cut} ms`);
        await assertFailingFast(http, workloads);
        await relay!.up();
        await eventually(async () => {
          for (const readBack of readBacks) await readBack();
        }, 10_000);
        await assertStoresAnswer(http, workloads);
      },
    );
  });
}
