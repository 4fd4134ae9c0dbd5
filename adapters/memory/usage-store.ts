import type { Usage, UsageInput, UsageStore } from '../../core/workloads/usages/index.ts';
import { drain, type Progress } from './bulk-loader.ts';

/** Usages in a map; ids count up from 1, as after a reset. */
export class MemoryUsageStore implements UsageStore {
  private rows = new Map<string, Usage>();
  private nextId = 1;

  async record(usage: UsageInput): Promise<string> {
    const id = String(this.nextId++);
    this.rows.set(id, { id, patientId: usage.patientId, timestamp: usage.timestamp, medication: usage.medication });
    return id;
  }
  async get(id: string): Promise<Usage | undefined> {
    return this.rows.get(id);
  }
  load(rows: AsyncIterable<UsageInput>, progress: Progress) {
    return drain(rows, 'usages', progress, (row) => void this.record(row));
  }
  clear() {
    this.rows.clear();
    this.nextId = 1;
  }
}
