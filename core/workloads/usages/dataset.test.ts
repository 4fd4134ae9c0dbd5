import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatTimestamp, usagesDataset } from './dataset.ts';
import { parseUsageInput } from './validate.ts';

describe('usages dataset', () => {
  test('same seed gives the same rows, valid for POST /api/usages', async () => {
    const a: string[] = [];
    for await (const row of usagesDataset({ scale: 'tiny', seed: 5 })) {
      assert.deepEqual(parseUsageInput(row), row);
      assert.match(
        row.timestamp,
        /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} 201[678] \d{2}:\d{2}:\d{2} GMT-0[4-7]00 \([A-Z]{3}\)$/,
      );
      a.push(JSON.stringify(row));
    }
    const b: string[] = [];
    for await (const row of usagesDataset({ scale: 'tiny', seed: 5 })) b.push(JSON.stringify(row));
    assert.equal(a.length, 1000);
    assert.deepEqual(a, b);
  });

  test('timestamps are formatted like Date.toString() without depending on the local zone', () => {
    const seconds = Date.UTC(2016, 10, 1, 9, 11, 51) / 1000;
    assert.equal(formatTimestamp(seconds, 'GMT-0500 (CDT)'), 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)');
  });
});
