import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { run as reportCli } from '../cli/report.ts';
import type { TrialRecord } from '../results/index.ts';
import { analyseRepeatability, repeatabilitySummary } from './repeatability.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';
import type { ReportRun } from './model.ts';

const g = (k: number): number => Math.round(1000 * 2 ** (k / 4)); // the default grid: g(6) = 2,828

/** A synthetic three-trial run whose (backend, workload) rows get the trial figures given, as grid indices. */
function runWith(id: string, rows: Record<string, readonly number[]> = {}): { run: ReportRun; runDir: string } {
  const run = syntheticRun({ runId: id, trials: 3 });
  for (const [key, indices] of Object.entries(rows)) {
    const [backend, workload] = key.split('/') as [string, string];
    const own = run.trials!.filter((t) => t.backend === backend && t.workload === workload);
    assert.equal(own.length, indices.length, `${key} has ${own.length} trials`);
    own.forEach((t: TrialRecord, i) => {
      t.pass = g(indices[i]!);
      t.fail = g(indices[i]! + 1);
    });
  }
  return { run, runDir: join(tmpdir(), id) };
}

describe('repeatability of several runs', () => {
  test('identical runs: the same verdicts, every median inside every other interval, nothing moved between runs', () => {
    const a = analyseRepeatability([runWith('r1'), runWith('r2'), runWith('r3')], { permutations: 500 });
    assert.equal(a.runs.length, 3);
    assert.ok(a.workloads.length > 0);
    assert.ok(a.workloads.every((w) => w.same && w.verdicts.every((v) => v === w.verdicts[0])));
    assert.equal(a.outside, 0);
    assert.equal(a.pairs, a.rows.length * 6);
    assert.equal(a.pooledP, 1);
    assert.deepEqual(a.warnings, []);
    assert.match(
      repeatabilitySummary(a),
      /same verdict in all 3 runs for every workload.*inside every other run's interval/,
    );
  });

  test('a run whose trials agree one grid step lower lies outside the intervals of runs that met the step above', () => {
    const a = analyseRepeatability(
      [
        runWith('r1', { 'postgres/catalog': [11, 11, 11] }),
        runWith('r2', { 'postgres/catalog': [10, 10, 10] }),
        runWith('r3', { 'postgres/catalog': [11, 10, 11] }),
      ],
      { permutations: 500 },
    );
    const row = a.rows.find((r) => r.backend === 'postgres' && r.workload === 'catalog')!;
    // run 2's median g(10) lies below run 1's [g(11), g(12)]; run 3's interval [g(10), g(12)] holds everyone;
    // run 1's median g(11) is the top of run 2's [g(10), g(11)], inside.
    assert.deepEqual(row.outside, [{ run: 1, other: 0, steps: -1 }]);
    assert.equal(a.outside, 1);
    assert.match(repeatabilitySummary(a), /1 of \d+ pairs .* fall outside, by one grid step/);
    // Run 1's rerun range reaches one noise floor (one grid step) below its median: [g(10), g(12)] holds g(10).
    assert.deepEqual(row.outsideRerun, []);
    assert.equal(a.outsideRerun, 0);
    assert.match(repeatabilitySummary(a), /inside every other run's rerun range/);
  });

  test("a run two grid steps lower lies outside the other runs' rerun ranges as well as their intervals", () => {
    const a = analyseRepeatability(
      [runWith('r1', { 'postgres/catalog': [11, 11, 11] }), runWith('r2', { 'postgres/catalog': [9, 9, 9] })],
      { permutations: 500 },
    );
    const row = a.rows.find((r) => r.backend === 'postgres' && r.workload === 'catalog')!;
    // Run 2's median g(9) is one step below run 1's rerun range [g(10), g(12)]; run 1's g(11) lies one step
    // above run 2's [g(8), g(10)].
    assert.deepEqual(row.outside, [
      { run: 0, other: 1, steps: 1 },
      { run: 1, other: 0, steps: -2 },
    ]);
    assert.deepEqual(row.outsideRerun, [
      { run: 0, other: 1, steps: 1 },
      { run: 1, other: 0, steps: -1 },
    ]);
    assert.equal(a.outsideRerun, 2);
    assert.match(repeatabilitySummary(a), /Against the rerun ranges .*, 2 of \d+ fall outside\./);
  });

  test('pairs outside had whole runs moved nothing: the mean over random reassignments of the trials', () => {
    const a = analyseRepeatability(
      [runWith('r1', { 'postgres/catalog': [10, 10, 10] }), runWith('r2', { 'postgres/catalog': [11, 11, 11] })],
      { permutations: 4000, seed: 3 },
    );
    const row = a.rows.find((r) => r.backend === 'postgres' && r.workload === 'catalog')!;
    // Measured: run 1's median g(10) lies below run 2's [g(11), g(12)]; run 2's g(11) is the top of run 1's interval.
    assert.deepEqual(row.outside, [{ run: 0, other: 1, steps: -1 }]);
    // The 20 splits of {10, 10, 10, 11, 11, 11} into two runs of three: a pair falls outside only when a
    // run gets three alike (2 splits of 20, one pair each); a 2:1 split gives both runs [g(10), g(12)].
    assert.ok(Math.abs(row.expectedOutside! - 0.1) < 0.03, `expected ${row.expectedOutside}`);
    assert.equal(a.outside, 1);
    // The other rows are alike in both runs, trial by trial: reassigned, their trials can split unevenly too.
    assert.ok(a.expectedOutside! >= row.expectedOutside!, `pooled ${a.expectedOutside}`);
    assert.ok(a.atLeastOutside! > 0 && a.atLeastOutside! <= 1, `at least ${a.atLeastOutside}`);
    assert.match(
      repeatabilitySummary(a),
      /Had whole runs moved nothing .*, the intervals of 3 trials would leave [\d.]+ outside on average, and 1 or more in \d+% of the reassignments\./,
    );
    // Runs whose trials are all alike within each row: no reassignment can put a pair outside.
    const alike = (id: string) => {
      const r = runWith(id);
      for (const t of r.run.trials!) {
        const first = r.run.trials!.find((u) => u.backend === t.backend && u.workload === t.workload)!;
        [t.pass, t.fail] = [first.pass, first.fail];
      }
      return r;
    };
    const none = analyseRepeatability([alike('r1'), alike('r2')], { permutations: 300 });
    assert.equal(none.outside, 0);
    assert.equal(none.expectedOutside, 0);
  });

  test('a changed verdict is named; a method setting that differs is a warning', () => {
    const low = runWith('r2', { 'postgres/catalog': [1, 1, 1], 'postgres/overview': [1, 1, 1] });
    low.run.scenario.phaseShiftMaxS = 0;
    const a = analyseRepeatability([runWith('r1'), low], { permutations: 200 });
    const catalog = a.workloads.find((w) => w.workload === 'catalog')!;
    assert.equal(catalog.same, false);
    assert.notEqual(catalog.verdicts[0], catalog.verdicts[1]);
    assert.match(repeatabilitySummary(a), /verdict changed between runs for catalog/);
    assert.ok(
      a.warnings.some((w) => /run 2 against run 1: --phase-shift 0 \(run 1: /.test(w)),
      a.warnings.join('\n'),
    );
  });

  test('the permutation test finds whole runs that moved, and not trials that merely vary', () => {
    const a = analyseRepeatability(
      [
        runWith('r1', { 'postgres/catalog': [10, 10, 11], 'cassandra/catalog': [4, 5, 6] }),
        runWith('r2', { 'postgres/catalog': [12, 12, 13], 'cassandra/catalog': [6, 4, 5] }),
        runWith('r3', { 'postgres/catalog': [14, 14, 15], 'cassandra/catalog': [5, 6, 4] }),
      ],
      { permutations: 4000, seed: 7 },
    );
    const moved = a.rows.find((r) => r.backend === 'postgres' && r.workload === 'catalog')!;
    const mixed = a.rows.find((r) => r.backend === 'cassandra' && r.workload === 'catalog')!;
    // 9 values in three runs of three: 280 distinct splits, and only the measured one (up to the runs'
    // order) spreads the means this far: p ≈ 6 / 1680 ≈ 0.004.
    assert.ok(moved.p !== null && moved.p < 0.02, `moved p = ${moved.p}`);
    assert.equal(mixed.p, 1);
    assert.ok(Math.abs(mixed.withinSd! - 1) < 0.01, `within sd ${mixed.withinSd}`); // grid rates are rounded
    assert.deepEqual(
      moved.runMeans.map((m) => Math.round((m! - moved.runMeans[0]!) * 100) / 100),
      [0, 2, 4],
    );
    const again = analyseRepeatability(
      [
        runWith('r1', { 'postgres/catalog': [10, 10, 11], 'cassandra/catalog': [4, 5, 6] }),
        runWith('r2', { 'postgres/catalog': [12, 12, 13], 'cassandra/catalog': [6, 4, 5] }),
        runWith('r3', { 'postgres/catalog': [14, 14, 15], 'cassandra/catalog': [5, 6, 4] }),
      ],
      { permutations: 4000, seed: 7 },
    );
    assert.equal(again.pooledP, a.pooledP, 'seeded: the same runs give the same p');
  });

  test('storebench report --repeat writes repeatability.md and .html; fewer than two runs is a usage error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'storebench-repeat-'));
    const dirs: string[] = [];
    for (const [id, rows] of [
      ['r1', {}],
      ['r2', { 'postgres/catalog': [10, 10, 10] }],
    ] as const) {
      const dir = join(root, id);
      await mkdir(dir);
      await writeFile(join(dir, 'run.json'), JSON.stringify(runWith(id, rows).run));
      dirs.push(dir);
    }
    const out = join(root, 'repeat');
    assert.equal(await reportCli(['--repeat', ...dirs, '--out', out]), 0);
    const md = await readFile(join(out, 'repeatability.md'), 'utf8');
    assert.match(md, /^# storebench repeatability: 2 runs/);
    assert.match(md, /## Verdicts/);
    assert.match(md, /## What moves whole runs/);
    assert.match(await readFile(join(out, 'repeatability.html'), 'utf8'), /<table/);
    assert.equal(await reportCli(['--repeat', dirs[0]!]), 2);
  });
});
