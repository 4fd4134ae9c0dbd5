import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../core/workloads/index.ts';
import type { StepResult } from '../results/index.ts';
import { buildWorkloadReports, verdictText, type ReportRun } from './model.ts';
import { fitPassCurve, MIN_WIDTH, passProbability, rerunChecks, rerunText } from './rerun.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';

/** A valid rate step at `target` that met the SLO or not (what the fit reads). */
function drawn(target: number, met: boolean, valid = true): StepResult {
  return { kind: 'rate', target, valid, slo: { met, reasons: [] } } as unknown as StepResult;
}

describe('pass curve fit', () => {
  test('recovers a known curve from steps drawn from it', () => {
    const truth = { center: 800, width: 0.1 };
    const random = seededRandom(7);
    const rates = [500, 595, 707, 841, 1000, 1189];
    const steps = Array.from({ length: 600 }, (_, i) => {
      const rate = rates[i % rates.length]!;
      return drawn(rate, random() < passProbability(truth, rate));
    });
    const fit = fitPassCurve(steps);
    assert.ok(fit);
    assert.ok(Math.abs(fit.center / truth.center - 1) < 0.05, `center ${fit.center}`);
    assert.ok(Math.abs(fit.width - truth.width) < 0.03, `width ${fit.width}`);
    assert.equal(fit.steps, 600);
  });

  test('steps that separate perfectly get the narrowest width, centred between the last pass and the first miss', () => {
    const fit = fitPassCurve([drawn(500, true), drawn(595, true), drawn(707, false), drawn(841, false)]);
    assert.ok(fit);
    assert.equal(fit.width, MIN_WIDTH);
    assert.ok(fit.center > 595 && fit.center < 707, `center ${fit.center}`);
  });

  test('invalid steps are not evidence; fewer than three valid steps fit nothing', () => {
    assert.equal(fitPassCurve([drawn(500, true), drawn(707, false), drawn(600, true, false)]), null);
  });
});

describe('rerun check', () => {
  const searched = syntheticRun({ trials: 3 });

  test('a difference far beyond the noise comes out again in (nearly) every simulated rerun', () => {
    const workloads = buildWorkloadReports(searched);
    const checks = rerunChecks(searched, workloads, { reruns: 300 });
    const catalog = checks.get('catalog');
    assert.ok(catalog);
    // postgres 3,100 against cassandra 1,700: 1.8 times.
    assert.equal(catalog.verdict, 'postgres');
    assert.ok(catalog.same >= 0.95, `same ${catalog.same}`);
    assert.equal(catalog.reruns, 300);
    const total = catalog.outcomes.reduce((n, o) => n + o.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
    assert.deepEqual(Object.keys(catalog.curves).sort(), ['cassandra', 'postgres']);
    assert.match(rerunText(catalog), /^the same verdict in \d+% of 300 simulated reruns/);
  });

  test('two rows measuring the same system are mostly a tie again, never a steady winner', () => {
    const twin: ReportRun = structuredClone(searched);
    // cassandra's catalog steps and trials replaced by postgres's: the same system under two names.
    const copy = <T extends { backend: string; workload: string }>(items: T[]): T[] => [
      ...items.filter((x) => !(x.backend === 'cassandra' && x.workload === 'catalog')),
      ...items
        .filter((x) => x.backend === 'postgres' && x.workload === 'catalog')
        .map((x) => ({ ...structuredClone(x), backend: 'cassandra' })),
    ];
    twin.steps = copy(twin.steps);
    twin.trials = copy(twin.trials!);
    twin.summary = copy(twin.summary);
    const workloads = buildWorkloadReports(twin);
    const catalog = rerunChecks(twin, workloads, { reruns: 300 }).get('catalog');
    assert.ok(catalog);
    assert.equal(catalog.verdict, 'tie (cassandra, postgres)');
    const tie = catalog.outcomes.find((o) => o.verdict === 'tie (cassandra, postgres)')?.share ?? 0;
    assert.ok(tie >= 0.8, `tie in ${tie} of reruns`);
    for (const o of catalog.outcomes)
      if (o.verdict !== 'tie (cassandra, postgres)') assert.ok(o.share < 0.15, o.verdict);
  });

  test("a lead that may rest on the API's quiet moments is a tie, in the report and in the reruns; one that cannot stands", () => {
    const catalogOf = (run: ReportRun) => buildWorkloadReports(run).find((w) => w.workload === 'catalog')!;
    const withCollections = (run: ReportRun, major: (s: StepResult) => boolean, missed: (s: StepResult) => boolean) => {
      const copy: ReportRun = structuredClone(run);
      for (const s of copy.steps.filter((x) => x.backend === 'postgres' && x.workload === 'catalog')) {
        s.pauses = { api: { gcCount: 10, gcTotalMs: 80, gcMaxMs: 9, majorGcCount: major(s) ? 1 : 0 } };
        if (missed(s)) s.slo = { met: false, reasons: ['p99 90 ms > 50 ms'] };
      }
      return copy;
    };
    // Without the count, postgres (3,100) is recommended over cassandra (1,700).
    assert.equal(verdictText(catalogOf(searched).recommendation), 'postgres');
    // postgres's steps that held a major collection missed at 1,682 RPS, inside cassandra's interval [1,189-1,682].
    const inside = withCollections(
      searched,
      (s) => s.target === 1682 || !s.slo.met,
      (s) => s.target === 1682,
    );
    const tied = catalogOf(inside);
    const bound = tied.rows.find((r) => r.backend === 'postgres')!.majorGcBound!;
    assert.equal(bound.collectedMiss, 1682);
    assert.ok(1682 <= tied.rows.find((r) => r.backend === 'cassandra')!.figure!.high);
    assert.equal(verdictText(tied.recommendation), 'tie (cassandra, postgres)');
    assert.match(
      tied.recommendation.reason,
      /missed was 1,682 RPS\), not above cassandra's interval \(its highest fail 1,682 RPS\): the lead may rest/,
    );
    const check = rerunChecks(inside, buildWorkloadReports(inside), { reruns: 200 }).get('catalog')!;
    assert.equal(check.verdict, 'tie (cassandra, postgres)');
    assert.ok(check.same >= 0.95, `same ${check.same}`);
    // Collections that cost postgres steps only above cassandra's whole interval: the lead stands, with the caveat.
    const above = withCollections(
      searched,
      (s) => !s.slo.met,
      () => false,
    );
    const standing = catalogOf(above);
    assert.ok(standing.rows.find((r) => r.backend === 'postgres')!.majorGcBound);
    assert.equal(verdictText(standing.recommendation), 'postgres');
    assert.match(
      standing.recommendation.reason,
      /above cassandra's interval, so the lead stands though the figure is optimistic/,
    );
  });

  test('deterministic for a seed; nothing for a single-trial ladder run', () => {
    const workloads = buildWorkloadReports(searched);
    const a = rerunChecks(searched, workloads, { reruns: 100, seed: 3 });
    const b = rerunChecks(searched, workloads, { reruns: 100, seed: 3 });
    assert.deepEqual([...a.entries()], [...b.entries()]);
    const ladder = syntheticRun();
    assert.equal(rerunChecks(ladder, buildWorkloadReports(ladder)).size, 0);
  });
});
