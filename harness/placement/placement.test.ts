import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveCommand } from '../topology/index.ts';
import { apiNodeFlagsFor, placementRecord, planPlacement } from './index.ts';

describe('placement', () => {
  test('an API that shares its one CPU with the database collects garbage on its own thread', () => {
    assert.deepEqual(apiNodeFlagsFor('pinned', '0'), ['--single-threaded-gc']);
    assert.deepEqual(apiNodeFlagsFor('pinned', '0-2'), [], 'spare cores: V8 as operators run it');
    assert.deepEqual(apiNodeFlagsFor('shared', '0'), []);
  });

  test('the flags reach the API command line and the record, and a shared placement adds none', () => {
    const command = serveCommand({ backend: 'memory', nodeFlags: ['--single-threaded-gc'] }, 0);
    assert.deepEqual(command.slice(0, 2), ['node', '--single-threaded-gc']);
    assert.ok(command.indexOf('--single-threaded-gc') < command.indexOf('serve'), 'a V8 flag goes before the script');
    const shared = planPlacement('shared');
    assert.deepEqual(shared.apiNodeFlags, []);
    assert.equal(placementRecord(shared).apiNodeFlags, undefined);
    const here = planPlacement('pinned');
    assert.deepEqual(here.apiNodeFlags, apiNodeFlagsFor(here.mode, here.systemUnderTest));
    assert.deepEqual(placementRecord(here).apiNodeFlags, here.apiNodeFlags.length > 0 ? here.apiNodeFlags : undefined);
  });
});
