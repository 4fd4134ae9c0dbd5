import assert from 'node:assert/strict';
import { test } from 'node:test';
import { skippedBackends } from './model.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';

test('a backend measured under layout labels (postgres loopback, postgres rtt 0.5ms) is not reported as not run', () => {
  const run = syntheticRun({ trials: 1 });
  const notRun = skippedBackends(run).map((s) => s.backend); // the fixture's mongo, never measured
  const backends = [...new Set(run.steps.map((s) => s.backend))].filter((b) => !b.startsWith('memory'));
  assert.ok(backends.length > 0);
  // The same steps, labelled as compare labels the layouts of one backend.
  for (const step of run.steps) if (backends.includes(step.backend)) step.backend = `${step.backend} rtt 0.5ms`;
  assert.deepEqual(
    skippedBackends(run).map((s) => s.backend),
    notRun,
  );
  // A backend with no step under any label is still reported.
  run.scenario.backends = [...run.scenario.backends, 'nothere'];
  assert.deepEqual(
    skippedBackends(run).map((s) => s.backend),
    [...notRun, 'nothere'],
  );
});
