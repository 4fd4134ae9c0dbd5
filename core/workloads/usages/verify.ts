import { getStep, type VerifyStep } from '../verify-step.ts';
import type { VerifyPlanOptions } from '../workload.ts';
import { usageAt } from './dataset.ts';

const USAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Unknown and malformed ids, then (with mutate) usages posted and read back. Ids are chosen by
 * each adapter, so they are compared by shape and used to read the same usage back.
 */
export function usagesVerifyPlan({ primary, datasetSeed: seed, mutate }: VerifyPlanOptions): VerifyStep[] {
  const steps: VerifyStep[] = [
    getStep('/api/usages/0'),
    getStep('/api/usages/not-a-known-id'),
    getStep('/api/usages/bad!id'),
  ];
  if (!mutate) return steps;
  const patients = Math.max(1, Math.floor(primary / 10));
  for (let i = 1; i <= 3; i++) {
    steps.push(
      {
        method: 'POST',
        path: '/api/usages',
        body: usageAt(seed + 1, i, patients),
        remember: (body, context) => {
          context.createdId = (body as { id?: string } | null)?.id;
        },
        normalize: hideUsageId,
      },
      { method: 'GET', path: (context) => `/api/usages/${context.createdId ?? 'missing'}`, normalize: hideUsageId },
    );
  }
  steps.push({ method: 'POST', path: '/api/usages', body: { patientId: '1' } });
  return steps;
}

/** `{ id: "<any valid usage id>" , ...}` -> `{ id: "<usage id>", ...}`: ids differ per backend, their format may not. */
function hideUsageId(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('id' in body)) return body;
  const id = (body as { id: unknown }).id;
  return { ...body, id: typeof id === 'string' && USAGE_ID.test(id) ? '<usage id>' : id };
}
