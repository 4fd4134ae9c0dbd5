import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RESTART_ACTION, type RunResult } from '../results/index.ts';
import { endpointForTest, missingForLocal } from '../provision/index.ts';
import { comparePlan, inputFromRecord, mergeInputs, PRESETS, runCompare } from './index.ts';

const quiet = (): void => {};

describe('compare settings', () => {
  test('the default preset: the control row and the real databases, every workload, small scale, 6 s steps', () => {
    const plan = comparePlan({});
    assert.deepEqual(plan.backends, ['memory', 'postgres', 'cassandra'], 'the stand-in only when asked for');
    assert.equal(plan.scenario.stepDurationS, 6, "as long as the API's major-collection period at catalog rates");
    assert.deepEqual(comparePlan({ preset: 'full' }).backends, ['memory', 'postgres', 'cassandra', 'mongo']);
    assert.deepEqual(plan.workloads, ['usages', 'catalog', 'overview']);
    assert.equal(plan.settings.scale, 'small');
    assert.deepEqual(plan.scenario.stepValues, [...PRESETS.default.stepValues]);
    assert.equal(plan.scenario.scale, 'small', 'the load mix aims at the seeded id range');
  });

  test('the control row: on the calibrated workload only by default, on every workload with --full or when asked', () => {
    assert.equal(comparePlan({}).settings.controlRow, 'calibrated');
    assert.equal(comparePlan({ preset: 'full' }).settings.controlRow, 'every');
    assert.equal(comparePlan({ controlRow: 'every' }).settings.controlRow, 'every');
    assert.equal(comparePlan({ calibrate: 'none' }).settings.controlRow, 'every', 'no A/A pair: nothing to share');
    assert.equal(comparePlan({ calibrate: 'postgres:catalog' }).settings.controlRow, 'every');
    assert.throws(() => comparePlan({ controlRow: 'some' as 'every' }), /control-row: every \| calibrated/);
    // A run recorded before the choice existed measured it everywhere; --from keeps that.
    const { controlRow: _, ...older } = comparePlan({}).settings;
    assert.equal(inputFromRecord({ compare: older } as never).controlRow, 'every');
  });

  test('bad input names the field', () => {
    assert.throws(() => comparePlan({ backends: ['oracle'] }), /backends: unknown backend "oracle"/);
    assert.throws(() => comparePlan({ workloads: ['orders'] }), /workloads: unknown workload "orders"/);
    assert.throws(() => comparePlan({ scale: 'huge' }), /unknown scale "huge"/);
    assert.throws(() => comparePlan({ workers: 0 }), /workers/);
    assert.throws(() => comparePlan({ scenario: { stepValues: [-5] } }), /stepValues/);
  });

  test('a recorded scenario reproduces the plan, and flags given after it win', () => {
    const original = comparePlan({
      backends: ['memory', 'postgres'],
      workloads: ['catalog'],
      scale: '5k',
      datasetSeed: 7,
      workers: 2,
      scenario: { stepValues: [10, 20], stepDurationS: 3, idDistribution: 'zipfian' },
    });
    const record = {
      ...{ name: 'x', mixes: [] },
      workloads: original.workloads,
      backends: original.backends,
      stepKind: original.scenario.stepKind,
      stepValues: original.scenario.stepValues,
      stepDurationS: original.scenario.stepDurationS,
      warmupS: original.scenario.warmupS,
      requestTimeoutMs: original.scenario.requestTimeoutMs,
      idDistribution: original.scenario.idDistribution,
      slo: original.scenario.slo,
      stopAfterFailedSteps: original.scenario.stopAfterFailedSteps,
      profile: original.scenario.profile,
      requestSeed: original.scenario.requestSeed,
      apiPerTrial: original.scenario.apiPerTrial,
      databasePerTrial: original.scenario.databasePerTrial,
      pageCache: original.scenario.pageCache,
      jitWarmupMaxS: original.scenario.jitWarmupMaxS,
      endMissedStepsAfterS: original.scenario.endMissedStepsAfterS,
      phaseShiftMaxS: original.scenario.phaseShiftMaxS,
      compare: original.settings,
    };
    const again = comparePlan(inputFromRecord(record));
    // A run recorded before new API processes per trial existed measured one set: --from keeps that.
    const { apiPerTrial: _, ...older } = record;
    assert.equal(comparePlan(inputFromRecord(older)).scenario.apiPerTrial, 'reuse');
    // One recorded before the JVM warm-up existed had none: --from keeps that too.
    const { jitWarmupMaxS: __, ...beforeJit } = record;
    assert.equal(comparePlan(inputFromRecord(beforeJit)).scenario.jitWarmupMaxS, 0);
    // One recorded before a certain miss ended a step early ran every step to its end.
    assert.equal(original.scenario.endMissedStepsAfterS, 1.5);
    const { endMissedStepsAfterS: ___, ...beforeEndMissed } = record;
    assert.equal(comparePlan(inputFromRecord(beforeEndMissed)).scenario.endMissedStepsAfterS, 0);
    // One recorded before databases were restarted for every trial kept one database process.
    assert.equal(original.scenario.databasePerTrial, 'restart');
    const { databasePerTrial: ____, ...beforeRestarts } = record;
    assert.equal(comparePlan(inputFromRecord(beforeRestarts)).scenario.databasePerTrial, 'keep');
    // One recorded before trials drew their GC phase drew none.
    assert.equal(original.scenario.phaseShiftMaxS, 14);
    const { phaseShiftMaxS: _____, ...beforePhases } = record;
    assert.equal(comparePlan(inputFromRecord(beforePhases)).scenario.phaseShiftMaxS, 0);
    // One recorded before the page cache was warmed before every trial left it as it was.
    assert.equal(original.scenario.pageCache, 'warm');
    const { pageCache: ______, ...beforeWarming } = record;
    assert.equal(comparePlan(inputFromRecord(beforeWarming)).scenario.pageCache, 'as-is');
    assert.deepEqual(again.settings, original.settings);
    assert.deepEqual(again.scenario, original.scenario);
    const overridden = comparePlan(mergeInputs(inputFromRecord(record), { scenario: { stepDurationS: 9 } }));
    assert.equal(overridden.scenario.stepDurationS, 9);
    assert.deepEqual(overridden.scenario.stepValues, [10, 20]);
  });
});

describe('compare end to end (real servers)', () => {
  const kinds = ['postgres', 'cassandra', 'mongo'] as const;
  const found = kinds.map((k) => endpointForTest(k));
  const skip = found.find((f) => f.skip)?.skip;
  const externalUrls = Object.fromEntries(kinds.map((k, i) => [k, found[i]!.endpoint?.url ?? ''])) as Record<
    (typeof kinds)[number],
    string
  >;
  let resultsDir = '';
  after(async () => {
    if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
  });

  test(
    'every backend is seeded alike, verified, searched in interleaved trials and reported',
    { skip, timeout: 420_000 },
    async () => {
      resultsDir = await mkdtemp(join(tmpdir(), 'storebench-compare-'));
      const plan = comparePlan({
        backends: ['memory', 'postgres', 'cassandra', 'mongo'], // the default leaves the stand-in out
        scale: 'tiny',
        provision: 'external',
        externalUrls,
        allowReset: true,
        resultsDir,
        scenario: {
          trials: 2,
          searchStartRps: 40,
          maxSearchSteps: 2,
          stepDurationS: 1,
          warmupS: 0.3,
          targetWarmupS: 0.5,
          // This test is about the pipeline; whether the machine is quiet has its own test (harness/load).
          interferenceLimitPercent: 10_000,
        },
      });
      assert.deepEqual(plan.calibrate, { backend: 'memory', workload: 'usages' });
      const outcome = await runCompare(plan, quiet);
      const run = JSON.parse(await readFile(join(outcome.runDir, 'run.json'), 'utf8')) as RunResult;

      assert.deepEqual(run.skippedBackends, []);
      // The machine's speed, read before the first server started, between the trials (everything
      // paused) and after the last server stopped, on each CPU set of the placement.
      assert.deepEqual(
        run.machineSpeed?.readings.map((r) => [r.when, r.trial, r.cpus.map((c) => c.cpus)]),
        (
          [
            ['start', undefined],
            ['trial', 2],
            ['end', undefined],
          ] as const
        ).map(([when, trial]) => [
          when,
          trial,
          run.placement!.mode === 'pinned'
            ? [run.placement!.systemUnderTestCpus, run.placement!.loadGeneratorCpus]
            : ['any'],
        ]),
      );
      // New API processes are warmed up on the workloads they measure: the control row and its twin on
      // usages only, a database on every workload.
      const warmedOn = (label: string) =>
        run.preparation
          ?.filter((p) => p.backend === label)
          .flatMap((p) => p.actions)
          .find((a) => a.startsWith('warm-up'))
          ?.match(/per workload \(([^)]*)\)/)?.[1];
      assert.equal(warmedOn('memory'), 'usages');
      assert.equal(warmedOn('memory (A/A twin)'), 'usages');
      assert.equal(warmedOn('postgres'), plan.workloads.join(', '));
      // Every (backend, workload) twice, the control row and its A/A twin on the calibrated workload only
      // (the default), in rotating order.
      const twin = 'memory (A/A twin)';
      const measured = (backend: string, workload: string) => !backend.startsWith('memory') || workload === 'usages';
      assert.ok(run.notes.some((n) => /^memory \(the control row\) measured on usages only/.test(n)));
      for (const backend of [...plan.backends, twin]) {
        for (const workload of plan.workloads) {
          const trials = run.trials!.filter((t) => t.backend === backend && t.workload === workload);
          assert.deepEqual(
            trials.map((t) => t.trial),
            measured(backend, workload) ? [1, 2] : [],
            `${backend}/${workload} trials`,
          );
        }
      }
      // Every trial measured new API processes (apiPerTrial defaults to fresh), on the same database.
      assert.equal(run.scenario.apiPerTrial, 'fresh');
      for (const backend of plan.backends) {
        const apiPids = (trial: number) =>
          run.steps
            .filter((s) => s.backend === backend && s.trial === trial)
            .flatMap((s) => s.resources.find((r) => r.role === 'server')?.pids ?? []);
        const [one, two] = [new Set(apiPids(1)), new Set(apiPids(2))];
        assert.ok(one.size > 0 && two.size > 0, `${backend}: API processes sampled in both trials`);
        assert.ok(
          ![...one].some((pid) => two.has(pid)),
          `${backend}: trial 2 measured other API processes than trial 1`,
        );
      }
      // Servers of your own are never restarted (databasePerTrial restart is for servers the run started).
      assert.equal(run.scenario.databasePerTrial, 'restart');
      assert.ok(
        !run.preparation?.some((p) => p.actions.some((a) => a.startsWith(RESTART_ACTION))),
        'no external server restarted',
      );
      const firstOfTrial = (trial: number) => run.trials!.find((t) => t.trial === trial)!.backend;
      assert.notEqual(firstOfTrial(1), firstOfTrial(2), 'the order of the targets rotates from trial to trial');
      assert.equal(run.calibration?.workload, 'usages');
      assert.deepEqual(run.calibration?.labels, ['memory', twin]);
      assert.ok(run.placement, 'the CPU placement is recorded');
      assert.ok(
        run.steps.every((s) => s.latencyHistogram && s.machine && s.trial),
        'steps keep histogram, machine, trial',
      );
      assert.ok(
        run.steps.filter((s) => s.backend !== twin).some((s) => s.pauses?.api),
        'API processes reported their pauses',
      );
      assert.ok(
        run.preparation?.some((p) => p.backend === 'postgres'),
        'postgres was settled before measuring',
      );
      for (const backend of plan.backends) {
        for (const workload of plan.workloads) {
          const steps = run.steps.filter((s) => s.backend === backend && s.workload === workload);
          if (!measured(backend, workload)) {
            assert.equal(steps.length, 0, `${backend}/${workload} not measured`);
            continue;
          }
          assert.ok(steps.length >= 1, `${backend}/${workload} has steps`);
          assert.ok(
            steps.every((s) => s.latencyMs.count > 0),
            `${backend}/${workload} measured requests`,
          );
          const server = steps[0]!.resources.find((r) => r.role === 'server');
          assert.ok(server && server.samples > 0, `${backend}/${workload}: the API process was sampled`);
          assert.ok(
            run.summary.some((s) => s.backend === backend && s.workload === workload),
            `${backend}/${workload} summary`,
          );
        }
      }
      // Identical data everywhere: one fingerprint per workload, the same row counts, seeding timed.
      for (const workload of plan.workloads) {
        const records = run.datasets.filter((d) => d.workload === workload);
        // The control row and its twin hold every data set, but are verified and measured on usages only.
        const expected = plan.backends.length - 1 + (workload === 'usages' ? 2 : 0);
        assert.equal(records.length, expected, `${workload}: a dataset record per measured target`);
        assert.equal(new Set(records.map((r) => r.fingerprint)).size, 1, `${workload}: one fingerprint`);
        assert.equal(new Set(records.map((r) => JSON.stringify(r.scale))).size, 1, `${workload}: same row counts`);
        for (const r of records.filter((r) => r.backend !== 'memory')) {
          assert.ok((r.seedDurationS ?? -1) >= 0, `${r.backend}/${workload}: seed time recorded`);
        }
      }
      const postgresSize = run.datasets.find(
        (d) => d.backend === 'postgres' && d.workload === 'catalog',
      )?.sizeOnDiskBytes;
      assert.ok(postgresSize && postgresSize > 0, 'postgres reports its catalog size on disk');
      // Every database on every workload, and the control row and the twin on the calibrated one.
      assert.equal(outcome.verified.length, (plan.backends.length - 1) * plan.workloads.length + 2);
      assert.ok(outcome.verified.every((v) => v.ok));
      assert.deepEqual(run.scenario.compare?.scale, 'tiny');

      const charts = await readdir(join(outcome.runDir, 'charts'));
      for (const workload of plan.workloads) {
        for (const metric of ['sustainable', 'throughput', 'latency', 'errors']) {
          assert.ok(charts.includes(`${workload}-${metric}.png`), `chart ${workload}-${metric}.png`);
        }
      }
      const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
      for (const backend of plan.backends) assert.match(markdown, new RegExp(backend));
      assert.match(markdown, /MongoDB-wire stand-in \(mongo-java-server\)/, 'the stand-in is named as one');
      assert.match(markdown, /## Reproducibility/);
      assert.ok(existsSync(join(outcome.runDir, 'report.html')));
    },
  );

  test('a backend whose server cannot be had is skipped with the reason; the others are measured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storebench-compare-'));
    try {
      const plan = comparePlan({
        backends: ['memory', 'postgres'],
        workloads: ['overview'],
        scale: 'tiny',
        provision: 'external',
        // Port 1 on loopback: nothing listens there.
        externalUrls: { postgres: 'postgres://storebench@127.0.0.1:1/storebench' },
        allowReset: true,
        resultsDir: dir,
        scenario: { method: 'ladder', trials: 1, stepValues: [40], stepDurationS: 1, warmupS: 0, targetWarmupS: 0 },
      });
      const outcome = await runCompare(plan, quiet);
      assert.equal(outcome.result.skippedBackends?.length, 1);
      assert.equal(outcome.result.skippedBackends?.[0]?.backend, 'postgres');
      assert.match(outcome.result.skippedBackends![0]!.reason, /could not provision postgres/);
      assert.ok(outcome.result.steps.some((s) => s.backend === 'memory'));
      const markdown = await readFile(outcome.report!.markdownPath, 'utf8');
      assert.match(markdown, /postgres/);
      assert.match(markdown, /could not provision postgres/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an external server is never wiped without allowReset', { skip }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storebench-compare-'));
    try {
      const plan = comparePlan({
        backends: ['postgres'],
        workloads: ['overview'],
        scale: 'tiny',
        provision: 'external',
        externalUrls,
        resultsDir: dir,
        report: false,
        scenario: { method: 'ladder', trials: 1, stepValues: [40], stepDurationS: 1, warmupS: 0, targetWarmupS: 0 },
      });
      const outcome = await runCompare(plan, quiet);
      assert.equal(outcome.result.steps.length, 0);
      assert.match(outcome.result.skippedBackends![0]!.reason, /--allow-reset/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('compare with a JVM database it starts itself (real server)', () => {
  const missing = missingForLocal('mongo');
  const skip = missing ? `SKIPPED: cannot start the MongoDB-wire stand-in natively: ${missing}` : undefined;
  if (skip) {
    if (process.env.CI === 'true') throw new Error(`CI: ${skip}`);
    console.warn(`\n!!!!! ${skip} !!!!!\n`);
  }
  let resultsDir = '';
  after(async () => {
    if (resultsDir) await rm(resultsDir, { recursive: true, force: true });
  });

  test(
    'every trial restarts the JVM on its data and warms it up until its JIT compiler goes quiet or the limit passes',
    { skip, timeout: 300_000 },
    async () => {
      resultsDir = await mkdtemp(join(tmpdir(), 'storebench-jit-'));
      const plan = comparePlan({
        backends: ['mongo'],
        workloads: ['usages'],
        scale: 'tiny',
        provision: 'local',
        resultsDir,
        calibrate: 'none',
        scenario: {
          method: 'ladder',
          trials: 2,
          stepValues: [30],
          stepDurationS: 1,
          warmupS: 0.3,
          targetWarmupS: 1,
          jitWarmupMaxS: 12,
          interferenceLimitPercent: 10_000,
        },
      });
      assert.equal(plan.scenario.jitWarmupMaxS, 12);
      const lines: string[] = [];
      const outcome = await runCompare(plan, (line) => lines.push(line));
      const run = JSON.parse(await readFile(join(outcome.runDir, 'run.json'), 'utf8')) as RunResult;
      assert.equal(run.scenario.jitWarmupMaxS, 12, 'the limit is recorded with the scenario');
      // Before each trial a new process of the server, on the data seeded once, then a JIT warm-up of it.
      assert.equal(run.scenario.databasePerTrial, 'restart');
      const actions = (pattern: RegExp) =>
        (run.preparation ?? []).filter((p) => p.actions.some((a) => pattern.test(a)));
      const restarts = actions(new RegExp(`^${RESTART_ACTION}`));
      assert.equal(restarts.length, 2, `a restart per trial: ${JSON.stringify(run.preparation)}`);
      assert.deepEqual(
        restarts.map((r) => r.trial),
        [1, 2],
        'each restart names its trial',
      );
      assert.ok(restarts.every((r) => r.backend === 'mongo' && /after shutting down cleanly/.test(r.actions[0]!)));
      const jits = actions(/JIT of the database's JVM/);
      assert.equal(jits.length, 2, `a JIT warm-up per new process: ${JSON.stringify(run.preparation)}`);
      assert.deepEqual(
        jits.map((j) => j.trial),
        [1, 2],
      );
      for (const jit of jits) {
        assert.equal(jit.backend, 'mongo');
        // Either the compiler went quiet, or it ran until the limit (plus the pass that was under way).
        assert.match(jit.actions[0]!, /compiler threads used (under 5%|\d+% of a core during the warm-up)/);
        assert.ok(jit.seconds <= 12 + 5, `within the limit and one pass: ${jit.seconds} s`);
      }
      assert.ok(
        lines.some((l) => /JIT of the database's JVM/.test(l)),
        'and said on the console',
      );
      const databasePids = (trial: number) =>
        new Set(
          run.steps
            .filter((s) => s.trial === trial)
            .flatMap((s) => s.resources.find((r) => r.role === 'database')?.pids ?? []),
        );
      const [one, two] = [databasePids(1), databasePids(2)];
      assert.ok(one.size > 0 && two.size > 0, 'the database sampled in both trials');
      assert.ok(![...one].some((pid) => two.has(pid)), 'trial 2 measured another database process than trial 1');
      assert.equal(run.steps.filter((s) => s.trial === 2).length, 1, 'the step of trial 2 ran on it');
    },
  );
});
