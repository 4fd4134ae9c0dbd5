import type { Usage, UsageInput } from './types.ts';

/** Storage port of the usages workload (write-heavy ingest). */
export interface UsageStore {
  /** Durably store one usage and return its id. Resolves only once committed. */
  record(usage: UsageInput): Promise<string>;
  /** The stored usage, or undefined when no usage has this id (including ids this adapter could never produce). */
  get(id: string): Promise<Usage | undefined>;
}
