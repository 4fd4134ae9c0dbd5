import { isDeepStrictEqual } from 'node:util';
import { callApi } from './api-client.ts';
import type { ReadBackRecord } from '../results/index.ts';
import type { AcknowledgedWrite, WriteLedger } from './ledger.ts';

/** An acknowledged write that did not read back as written. */
export interface LostWrite {
  write: AcknowledgedWrite;
  /** What the read answered: 404 (gone), 200 with other data, or the last error after the retries. */
  status: number | 'socket-error';
  body: unknown;
}

/** What reading every acknowledged write back found. */
export interface ReadBackResult {
  checked: number;
  /** Gone (404) or changed (200 with other data): durability failures. */
  lost: LostWrite[];
  /** Still failing (5xx, no answer) after the retries: neither proven kept nor proven lost. */
  unreadable: LostWrite[];
}

/** Options of {@link readBack}. */
export interface ReadBackOptions {
  /** Reads in flight at once. Default 16. */
  concurrency?: number;
  /** Tries per write while the answer is a 5xx or no answer. Default 5, 500 ms apart. */
  attempts?: number;
}

async function readOnce(url: string): Promise<{ status: number | 'socket-error'; body: unknown }> {
  try {
    return await callApi('GET', url, undefined, 10_000);
  } catch {
    return { status: 'socket-error', body: undefined };
  }
}

/**
 * GETs every write the ledger still expects from the API at `url` and compares the answer with what was
 * acknowledged (any 200 when the ledger does not know the body).
 * A 5xx or a failed connection is retried (the server may still be recovering); a 404 or different data
 * is a lost write at once.
 */
export async function readBack(
  url: string,
  ledger: WriteLedger,
  options: ReadBackOptions = {},
): Promise<ReadBackResult> {
  const writes = ledger.writes();
  const attempts = options.attempts ?? 5;
  const result: ReadBackResult = { checked: 0, lost: [], unreadable: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < writes.length) {
      const write = writes[next++]!;
      let read = await readOnce(`${url}${write.path}`);
      for (let attempt = 1; attempt < attempts && (read.status === 'socket-error' || read.status >= 500); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        read = await readOnce(`${url}${write.path}`);
      }
      result.checked++;
      if (read.status === 200 && (write.expected === undefined || isDeepStrictEqual(read.body, write.expected)))
        continue;
      const failed: LostWrite = { write, status: read.status, body: read.body };
      if (read.status === 'socket-error' || read.status >= 500) result.unreadable.push(failed);
      else result.lost.push(failed);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return result;
}

/** What run.json records of a read-back (`ReadBackRecord`): counts and a sample of the lost paths. */
export function readBackRecord(ledger: WriteLedger, result: ReadBackResult, seconds: number): ReadBackRecord {
  return {
    acknowledged: ledger.size,
    found: result.checked - result.lost.length - result.unreadable.length,
    lost: result.lost.length,
    lostSample: result.lost.slice(0, 20).map((lost) => lost.write.path),
    unreadable: result.unreadable.length,
    deletedAfter: ledger.forgottenCount(),
    seconds: Math.round(seconds * 10) / 10,
  };
}
