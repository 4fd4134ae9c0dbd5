import type { Backend } from '../../core/backend.ts';
import type { LoadMix, MixRequest } from '../../core/workloads/index.ts';
import type { ReadBackRecord } from '../results/index.ts';

/** The writes whose ids the ledger can tell: created usages and created overview records. */
export type LedgerKind = 'usage' | 'overview';

/** What reading every acknowledged write back found (the shape run.json records). */
export type ReadBackResult = ReadBackRecord;

/**
 * Every write acknowledged to a client during a run, by id: usages return their id in the 201 body,
 * overview creates carry their game_id in the request. A record a DELETE was sent for afterwards
 * (answered or not) leaves the check, since it may rightly be gone.
 */
export class WriteLedger {
  private readonly acknowledged = new Map<string, { kind: LedgerKind; id: string; atMs: number }>();
  private readonly deleted = new Set<string>();

  acknowledge(kind: LedgerKind, id: string, atMs = performance.now()): void {
    this.acknowledged.set(`${kind}:${id}`, { kind, id, atMs });
  }

  deleteSent(kind: LedgerKind, id: string): void {
    this.deleted.add(`${kind}:${id}`);
  }

  get size(): number {
    return this.acknowledged.size;
  }

  /** The acknowledged writes still expected to be there, oldest first. */
  expected(): Array<{ kind: LedgerKind; id: string; atMs: number }> {
    return [...this.acknowledged.entries()].filter(([key]) => !this.deleted.has(key)).map(([, entry]) => entry);
  }

  /** Acknowledged writes a DELETE was sent for afterwards. */
  deletedCount(): number {
    return [...this.acknowledged.keys()].filter((key) => this.deleted.has(key)).length;
  }
}

const USAGE_ID = /"id"\s*:\s*"?([A-Za-z0-9-]{1,64})/;

/** The ledger's view of one request: how to learn the id it acknowledges, or the id it deletes. */
function ledgerEntry(
  template: string,
  request: MixRequest,
): { acknowledges?: (body: string) => [LedgerKind, string] | null; deletes?: [LedgerKind, string] } {
  if (template === 'POST /api/usages') {
    return {
      acknowledges: (body) => {
        const id = USAGE_ID.exec(body)?.[1];
        return id ? ['usage', id] : null;
      },
    };
  }
  if (template === 'POST /api/overview' && request.body) {
    const id = (JSON.parse(request.body) as { game_id?: unknown }).game_id;
    return typeof id === 'number' ? { acknowledges: () => ['overview', String(id)] } : {};
  }
  if (template === 'DELETE /api/overview/:id') {
    const id = /\/api\/overview\/(\d+)$/.exec(request.path)?.[1];
    return id ? { deletes: ['overview', id] } : {};
  }
  return {};
}

/**
 * The same mix, with every acknowledged create written to the ledger as its 2xx arrives (the mix's
 * own checks still decide whether the body is right).
 */
export function withLedger(mix: LoadMix, ledger: WriteLedger): LoadMix {
  return {
    ...mix,
    templates: mix.templates.map((template) => ({
      ...template,
      build: (random) => {
        const request = template.build(random);
        if (!request) return request;
        const entry = ledgerEntry(template.name, request);
        if (entry.deletes) ledger.deleteSent(...entry.deletes);
        const acknowledges = entry.acknowledges;
        if (!acknowledges) return request;
        const expect = request.expect;
        return {
          ...request,
          expect: (status, body) => {
            const ok = expect ? expect(status, body) : true;
            const acknowledged = status >= 200 && status < 300 ? acknowledges(body) : null;
            if (acknowledged) ledger.acknowledge(...acknowledged);
            return ok;
          },
        };
      },
    })),
  };
}

/**
 * Reads every write the ledger expects back through `backend` (the adapter on the recovered
 * cluster, at its own consistency), `concurrency` at a time. A read that fails is tried three
 * times more before it counts as unreadable.
 */
export async function readBack(ledger: WriteLedger, backend: Backend, concurrency = 32): Promise<ReadBackResult> {
  const started = performance.now();
  const expected = ledger.expected();
  let found = 0;
  let unreadable = 0;
  const lost: string[] = [];
  const read = async ({ kind, id }: { kind: LedgerKind; id: string }): Promise<boolean> =>
    kind === 'usage'
      ? (await backend.usages.get(id)) !== undefined
      : (await backend.overview.get(Number(id))) !== undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < expected.length) {
      const entry = expected[next++]!;
      for (let attempt = 0; ; attempt++) {
        try {
          if (await read(entry)) found++;
          else lost.push(`${entry.kind}:${entry.id}`);
          break;
        } catch {
          if (attempt >= 3) {
            unreadable++;
            break;
          }
          await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, expected.length)) }, worker));
  return {
    acknowledged: ledger.size,
    found,
    lost: lost.length,
    lostSample: lost.slice(0, 20),
    unreadable,
    deletedAfter: ledger.deletedCount(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
