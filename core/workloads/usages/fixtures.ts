import assert from 'node:assert/strict';
import type { Backend } from '../../backend.ts';
import { AWKWARD, iterate } from '../../conformance/rows.ts';
import type { UsageInput } from './types.ts';

/** A few usages, one with awkward text. */
export const usageInputs: UsageInput[] = Array.from({ length: 5 }, (_, i) => ({
  patientId: String(100 + i),
  timestamp: 'Tue Nov 01 2016 09:11:51 GMT-0500 (CDT)',
  medication: i === 2 ? AWKWARD : 'Albuterol',
}));

/** Loads the fixtures into a migrated, reset backend and checks the load report. */
export async function loadFixtures(backend: Backend): Promise<void> {
  const report = await backend.load.usages(iterate(usageInputs));
  assert.deepEqual(report.rows, { usages: usageInputs.length }, 'usages load reports its rows');
}
