import { MAX_ID } from '../../validation.ts';
import { getStep, sampleIds, type VerifyStep } from '../verify-step.ts';
import type { VerifyPlanOptions } from '../workload.ts';

/** Pagination edges (a real client's whole-catalog page, empty values), bad page/count values, then product, styles and related reads of sampled, unknown and malformed ids. */
export function catalogVerifyPlan({ primary: n, datasetSeed: seed }: VerifyPlanOptions): VerifyStep[] {
  const lastPage = Math.ceil(n / 100);
  const steps: VerifyStep[] = [
    getStep('/products'),
    getStep('/products?page=1&count=1'),
    getStep('/products?page=2&count=7'),
    getStep(`/products?page=${lastPage}&count=100`),
    getStep(`/products?page=${lastPage + 1}&count=100`),
    getStep(`/products?page=${Math.max(1, Math.floor(n / 1000))}&count=1000`),
    getStep('/products?count=10000'),
    getStep('/products?page&count'),
    getStep('/products?page=0'),
    getStep('/products?count=10001'),
    getStep('/products?page=abc'),
  ];
  for (const id of [...sampleIds(n, seed), n + 1, MAX_ID]) {
    steps.push(getStep(`/products/${id}`), getStep(`/products/${id}/styles`), getStep(`/products/${id}/related`));
  }
  steps.push(getStep('/products/0'), getStep('/products/abc/styles'), getStep('/products/99999999999/related'));
  return steps;
}
