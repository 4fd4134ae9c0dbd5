import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Backend } from '../backend.ts';
import { WORKLOAD_NAMES } from '../workloads/index.ts';
import { assertError, serveForTests } from './client.ts';
import { describeHttpContract } from './http-contract.ts';
import { describeNoServer } from './no-server.ts';
import { describeOutage, type OutageCase } from './outage.ts';
import type { ConformanceSuite, WorkloadConformance } from './workload-conformance.ts';

export type { OutageCase } from './outage.ts';

/** An adapter opting out of a behaviour, with the reason (the test report shows it). */
export interface OptedOut {
  optOut: string;
}

export interface ConformanceOptions {
  /** A skip reason (from testServer): the suite is reported as skipped, loudly. */
  skip?: string | undefined;
  /** The reference the load behaviours compare with: the memory adapter's factory (core imports no adapter). */
  reference: () => Backend;
  /** No server: a backend pointed at a port where nothing listens; every call must fail fast with 503. */
  unreachable: (() => Promise<Backend>) | OptedOut;
  /** Outage: a relay in front of the real server is cut and restored; the backend must answer 503, then recover. */
  outage: OutageCase | OptedOut;
  /**
   * Workload behaviours the adapter does not show, by the key the behaviour declares (e.g.
   * `aborted-load-writes-nothing`), each with the reason. A key no behaviour declares fails the suite.
   */
  optOut?: Readonly<Record<string, string>>;
}

/**
 * How one adapter runs the suite, from `adapters/<name>/conformance-setup.ts`: its own test file runs
 * it, and the cache's test runs it again with the cache wrapped around the factory.
 */
export interface AdapterConformance {
  name: string;
  factory: () => Promise<Backend>;
  options: ConformanceOptions;
}

/**
 * Each workload's part of the suite, found by name in `core/workloads/<name>/conformance.ts`:
 * adding a workload adds its behaviours without touching this file.
 */
const workloads: readonly WorkloadConformance[] = await Promise.all(
  WORKLOAD_NAMES.map(async (name) => {
    const module = (await import(`../workloads/${name}/conformance.ts`)) as { conformance: WorkloadConformance };
    return module.conformance;
  }),
);

/** Registers a visibly skipped suite for a behaviour the adapter opted out of. */
function optedOut(title: string, reason: OptedOut): void {
  describe(title, { skip: `opted out: ${reason.optOut}` }, () => {});
}

/**
 * The behaviour every adapter must show, over real HTTP through createApp.
 * Kysely-style: one suite, run by each adapter's test file; an adapter opts out of a
 * behaviour explicitly, in its options, and the report shows the opt-out with its reason.
 */
export function runConformance(name: string, factory: () => Promise<Backend>, options: ConformanceOptions): void {
  describe(`conformance: ${name}`, { skip: options.skip }, () => {
    const served = serveForTests(async () => {
      const fresh = await factory();
      await fresh.migrate();
      await fresh.migrate(); // idempotent
      await fresh.reset();
      await Promise.all(workloads.map((workload) => workload.loadFixtures(fresh)));
      return fresh;
    });
    const { http, backend } = served;
    const declared = new Set<string>();
    const suite: ConformanceSuite = {
      http,
      backend,
      reference: options.reference,
      optOut(key) {
        declared.add(key);
        const reason = options.optOut?.[key];
        return reason === undefined ? undefined : `opted out: ${reason}`;
      },
    };

    for (const workload of workloads) workload.behaviours(suite);

    describeHttpContract(served);

    describe('service routes', () => {
      test('/healthz, /readyz, /metrics, /openapi.json', async () => {
        assert.equal((await http('GET', '/healthz')).status, 200);
        const ready = await http('GET', '/readyz');
        assert.equal(ready.status, 200);
        assert.equal((ready.body as { backend: string }).backend, backend().name);
        const metrics = await http('GET', '/metrics');
        assert.equal(metrics.status, 200);
        assert.match(String(metrics.body), /storebench_http_requests_total\{method="GET",route="\//);
        assert.equal(((await http('GET', '/openapi.json')).body as { openapi: string }).openapi, '3.1.0');
      });

      test('unknown routes are JSON 404s', async () => {
        assertError(await http('GET', '/nope'), 404);
      });

      test('serverVersion names the server', async () => {
        assert.ok((await backend().serverVersion()).length > 0);
      });
    });

    describe('lifecycle', () => {
      test('migrate() again keeps the data; reset() empties every workload', async () => {
        const checks = [];
        for (const workload of workloads) checks.push(await workload.lifecycle(http));
        await backend().migrate();
        for (const check of checks) await check.kept();
        await backend().reset();
        for (const check of checks) await check.emptied();
      });
    });

    describe('bulk loads', () => {
      for (const workload of workloads) workload.loads?.(suite);
    });

    const unknown = Object.keys(options.optOut ?? {}).filter((key) => !declared.has(key));
    if (unknown.length > 0) throw new Error(`runConformance(${name}): no behaviour is called ${unknown.join(', ')}`);
  });

  const { unreachable, outage } = options;
  if ('optOut' in unreachable) optedOut(`conformance: ${name} with its server unreachable`, unreachable);
  else describeNoServer(name, unreachable, options.skip, workloads);
  if ('optOut' in outage) optedOut(`conformance: ${name} across server outages`, outage);
  else describeOutage(name, outage, options.skip, workloads);
}
