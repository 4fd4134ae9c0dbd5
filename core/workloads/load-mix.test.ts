import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdPicker, drawRequest, seededRandom, withSlowClass, type LoadMix } from './load-mix.ts';

test('id pickers stay in range and follow their distribution', () => {
  const random = seededRandom(7);
  const n = 10_000;
  const counts = { uniform: new Map<number, number>(), zipfian: new Map<number, number>() };
  for (const kind of ['uniform', 'zipfian'] as const) {
    const pick = createIdPicker(kind, n);
    for (let i = 0; i < 50_000; i++) {
      const id = pick(random);
      assert.ok(Number.isInteger(id) && id >= 1 && id <= n, `${kind} id ${id}`);
      counts[kind].set(id, (counts[kind].get(id) ?? 0) + 1);
    }
  }
  const top = (m: Map<number, number>) => Math.max(...m.values());
  // Zipf(0.99) over 10k ids: the hottest id gets ~10% of draws; uniform's hottest a handful.
  assert.ok(top(counts.zipfian) > 2000, `zipfian hottest ${top(counts.zipfian)}`);
  assert.ok(top(counts.uniform) < 30, `uniform hottest ${top(counts.uniform)}`);
  const last = createIdPicker('last10', n);
  for (let i = 0; i < 1000; i++) assert.ok(last(random) > 9000);
  assert.throws(() => createIdPicker('uniform', 0), RangeError);
});

test('requests are drawn by weight, and a template that cannot build falls back', () => {
  const random = seededRandom(1);
  const mix: LoadMix = {
    workload: 't',
    distribution: 'uniform',
    templates: [
      { name: 'a', weight: 3, build: () => ({ method: 'GET', path: '/a' }) },
      { name: 'b', weight: 1, build: () => ({ method: 'GET', path: '/b' }) },
      { name: 'never', weight: 1, build: () => null },
    ],
  };
  const seen: Record<string, number> = {};
  for (let i = 0; i < 10_000; i++) {
    const { template } = drawRequest(mix, random);
    seen[template.name] = (seen[template.name] ?? 0) + 1;
  }
  assert.equal(seen.never, undefined);
  // a: 3/5 plus the fallback share 1/5 = 80%; b: 20%.
  assert.ok(Math.abs(seen.a! / 10_000 - 0.8) < 0.02, JSON.stringify(seen));
});

test('a slow class takes its fraction of the requests', () => {
  const base: LoadMix = {
    workload: 'x',
    distribution: 'uniform',
    templates: [
      { name: 'a', weight: 3, build: () => ({ method: 'GET', path: '/a' }) },
      { name: 'b', weight: 1, build: () => ({ method: 'GET', path: '/b' }) },
    ],
  };
  const mix = withSlowClass(base, { fraction: 0.1, busyMs: 30 });
  const random = seededRandom(3);
  let slow = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const { request } = drawRequest(mix, random);
    if (request.path === '/experiment/busy?ms=30') slow++;
  }
  assert.ok(Math.abs(slow / n - 0.1) < 0.01, `slow share ${slow / n}`);
  assert.throws(() => withSlowClass(base, { fraction: 0.9, busyMs: 30 }), /slow fraction/);
});
