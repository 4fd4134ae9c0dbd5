import type { WorkloadName } from '../../core/backend.ts';
import { SeededRandom, type Scale } from '../../core/dataset/index.ts';
import { MAX_ID } from '../../core/validation.ts';
import { overviewRecord } from '../../core/workloads/overview/dataset.ts';
import { usageAt } from '../../core/workloads/usages/dataset.ts';
import { describeScale } from '../dataset/index.ts';

/** What an earlier step of the same server answered (a usage POST's id feeds the GET after it). */
export interface StepContext {
  usageId?: string;
}

/**
 * One request of the sample. `path` may depend on earlier answers of the same
 * server; `normalize` rewrites what is legitimately different per backend
 * (usage ids) before bodies are compared.
 */
export interface VerifyStep {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string | ((context: StepContext) => string);
  body?: unknown;
  /** Response headers that must match too (lower case). */
  headers?: string[];
  /** Record what later steps need from this answer. */
  remember?: (body: unknown, context: StepContext) => void;
  normalize?: (body: unknown) => unknown;
}

const STREAM_VERIFY = 90;

/** Ids to read: the first and last, the first of the last 10%, 8 more from the last 10%, 4 from anywhere. */
function sampleIds(primary: number, lastMin: number, seed: number): number[] {
  const random = new SeededRandom(seed).at(STREAM_VERIFY, 0);
  const ids = [1, primary, lastMin];
  for (let i = 0; i < 8; i++) ids.push(random.between(lastMin, primary));
  for (let i = 0; i < 4; i++) ids.push(random.between(1, primary));
  return [...new Set(ids)];
}

/** The deterministic request sample for a workload at a scale: reads, unknown ids, pagination edges, write round trips. */
export function verifyPlan(workload: WorkloadName, scale: Scale, seed: number, mutate: boolean): VerifyStep[] {
  const described = describeScale(workload, scale, seed);
  const n = described.primary;
  const get = (path: string): VerifyStep => ({ method: 'GET', path });
  switch (workload) {
    case 'catalog': {
      const lastPage = Math.ceil(n / 100);
      const steps: VerifyStep[] = [
        get('/products'),
        get('/products?page=1&count=1'),
        get('/products?page=2&count=7'),
        get(`/products?page=${lastPage}&count=100`),
        get(`/products?page=${lastPage + 1}&count=100`),
        get(`/products?page=${Math.max(1, Math.floor(n / 1000))}&count=1000`),
        get('/products?page=0'),
        get('/products?count=1001'),
        get('/products?page=abc'),
      ];
      const ids = [...sampleIds(n, described.lastTenPercent!.min, seed), n + 1, MAX_ID];
      for (const id of ids) {
        steps.push(get(`/products/${id}`), get(`/products/${id}/styles`), get(`/products/${id}/related`));
      }
      steps.push(get('/products/0'), get('/products/abc/styles'), get('/products/99999999999/related'));
      return steps;
    }
    case 'overview': {
      const steps = [...sampleIds(n, described.lastTenPercent!.min, seed), n + 1, MAX_ID].map((id) =>
        get(`/api/overview/${id}`),
      );
      steps.push(get('/api/overview/0'), get('/api/overview/abc'));
      if (mutate) {
        // A record that is not in the data set, created, replaced and deleted again: the data is left as found.
        const id = Math.min(MAX_ID, n + 1000 + new SeededRandom(seed).at(STREAM_VERIFY, 1).int(1000));
        const created = { ...overviewRecord(seed + 1, id), game_id: id };
        const { game_id: _ignored, ...replacement } = overviewRecord(seed + 2, id);
        const path = `/api/overview/${id}`;
        steps.push(
          { method: 'POST', path: '/api/overview', body: created, headers: ['location'] },
          { method: 'POST', path: '/api/overview', body: created },
          get(path),
          { method: 'PUT', path, body: replacement },
          get(path),
          { method: 'PUT', path: `/api/overview/${n + 1}`, body: replacement },
          { method: 'POST', path: '/api/overview', body: { ...created, tags: 'not a list' } },
          { method: 'DELETE', path },
          get(path),
          { method: 'DELETE', path },
        );
      }
      return steps;
    }
    case 'usages': {
      const steps: VerifyStep[] = [get('/api/usages/0'), get('/api/usages/not-a-known-id'), get('/api/usages/bad!id')];
      if (mutate) {
        // Ids are chosen by each adapter, so they are compared by shape and used to read the same usage back.
        const patients = Math.max(1, Math.floor(n / 10));
        for (let i = 1; i <= 3; i++) {
          steps.push(
            {
              method: 'POST',
              path: '/api/usages',
              body: usageAt(seed + 1, i, patients),
              remember: (body, context) => {
                context.usageId = (body as { id?: string } | null)?.id;
              },
              normalize: hideUsageId,
            },
            { method: 'GET', path: (context) => `/api/usages/${context.usageId ?? 'missing'}`, normalize: hideUsageId },
          );
        }
        steps.push({ method: 'POST', path: '/api/usages', body: { patientId: '1' } });
      }
      return steps;
    }
  }
}

const USAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** `{ id: "<any valid usage id>" , ...}` -> `{ id: "<usage id>", ...}`: ids differ per backend, their format may not. */
function hideUsageId(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('id' in body)) return body;
  const id = (body as { id: unknown }).id;
  return { ...body, id: typeof id === 'string' && USAGE_ID.test(id) ? '<usage id>' : id };
}
