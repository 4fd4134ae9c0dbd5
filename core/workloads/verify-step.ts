import { SeededRandom } from '../dataset/index.ts';

/** What an earlier step of the same server answered (a POST's generated id feeds the GET after it). */
export interface StepContext {
  createdId?: string;
}

/**
 * One request of a verification sample. `path` may depend on earlier answers of the same
 * server; `normalize` rewrites what is legitimately different per backend (ids an adapter
 * chooses) before bodies are compared.
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

/**
 * Ids to read from records 1..primary: the first and last, the first of the last 10%, 8 more
 * from the last 10% (where missing indexes show), 4 from anywhere. Deterministic per seed.
 */
export function sampleIds(primary: number, seed: number): number[] {
  const lastMin = lastTenPercentStart(primary);
  const random = new SeededRandom(seed).at(STREAM_VERIFY, 0);
  const ids = [1, primary, lastMin];
  for (let i = 0; i < 8; i++) ids.push(random.between(lastMin, primary));
  for (let i = 0; i < 4; i++) ids.push(random.between(1, primary));
  return [...new Set(ids)];
}

/** An id above the data set for records a verification creates and deletes again, deterministic per seed. */
export function scratchId(primary: number, seed: number, max: number): number {
  return Math.min(max, primary + 1000 + new SeededRandom(seed).at(STREAM_VERIFY, 1).int(1000));
}

/** The first id of the newest 10% of 1..primary. */
export function lastTenPercentStart(primary: number): number {
  return Math.max(1, primary - Math.floor(primary / 10) + 1);
}

/** A GET step of a verification sample. */
export const getStep = (path: string): VerifyStep => ({ method: 'GET', path });
