import { MAX_ID } from '../../validation.ts';
import { getStep, sampleIds, scratchId, type VerifyStep } from '../verify-step.ts';
import type { VerifyPlanOptions } from '../workload.ts';
import { overviewRecord } from './dataset.ts';

/**
 * Reads of sampled, unknown and malformed ids, then (with mutate) a record that is not in the data
 * set, created, replaced and deleted again: the data is left as found.
 */
export function overviewVerifyPlan({ primary: n, datasetSeed: seed, mutate }: VerifyPlanOptions): VerifyStep[] {
  const steps = [...sampleIds(n, seed), n + 1, MAX_ID].map((id) => getStep(`/api/overview/${id}`));
  steps.push(getStep('/api/overview/0'), getStep('/api/overview/abc'));
  if (!mutate) return steps;
  const id = scratchId(n, seed, MAX_ID);
  const created = { ...overviewRecord(seed + 1, id), game_id: id };
  const { game_id: _ignored, ...replacement } = overviewRecord(seed + 2, id);
  const path = `/api/overview/${id}`;
  steps.push(
    { method: 'POST', path: '/api/overview', body: created, headers: ['location'] },
    { method: 'POST', path: '/api/overview', body: created },
    getStep(path),
    { method: 'PUT', path, body: replacement },
    getStep(path),
    { method: 'PUT', path: `/api/overview/${n + 1}`, body: replacement },
    { method: 'POST', path: '/api/overview', body: { ...created, tags: 'not a list' } },
    { method: 'DELETE', path },
    getStep(path),
    { method: 'DELETE', path },
  );
  return steps;
}
