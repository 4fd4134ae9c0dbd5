import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressDisplay } from './progress.ts';

test('progress lines: a ladder counts its steps and the time left, a search only numbers them', () => {
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  const display = new ProgressDisplay(stream);
  display.hooks('postgres', 'catalog', 'RPS', 4).onStepStart!({ index: 2, count: 8, target: 707 });
  display.hooks('cassandra trial 2/3', 'catalog', 'RPS', 4).onStepStart!({ index: 3, count: 0, target: 841 });
  assert.deepEqual(written, [
    '[postgres/catalog] step 3/8: 707 RPS (ladder ~24s left)\n',
    '[cassandra trial 2/3/catalog] step 4: 841 RPS (search)\n',
  ]);
});
