import type { LoadMix, MixRequest } from '../../core/workloads/index.ts';
import type { AcknowledgedWrite, WriteLedger } from './ledger.ts';

const USAGE_ID = /"id"\s*:\s*"?([A-Za-z0-9-]{1,64})/;

/** The ledger's view of one request: how to learn the id it acknowledges, or the id it deletes. */
function ledgerEntry(
  template: string,
  request: MixRequest,
): { acknowledges?: (body: string) => AcknowledgedWrite | null; deletes?: string } {
  if (template === 'POST /api/usages') {
    return {
      acknowledges: (body) => {
        const id = USAGE_ID.exec(body)?.[1];
        return id ? { workload: 'usages', path: `/api/usages/${id}`, ackedAtMs: performance.now() } : null;
      },
    };
  }
  if (template === 'POST /api/overview' && request.body) {
    const id = (JSON.parse(request.body) as { game_id?: unknown }).game_id;
    return typeof id === 'number'
      ? { acknowledges: () => ({ workload: 'overview', path: `/api/overview/${id}`, ackedAtMs: performance.now() }) }
      : {};
  }
  if (template === 'DELETE /api/overview/:id') {
    return { deletes: request.path };
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
        if (entry.deletes) ledger.forget(entry.deletes);
        const acknowledges = entry.acknowledges;
        if (!acknowledges) return request;
        const expect = request.expect;
        return {
          ...request,
          expect: (status, body) => {
            const ok = expect ? expect(status, body) : true;
            const acknowledged = status >= 200 && status < 300 ? acknowledges(body) : null;
            if (acknowledged) ledger.record(acknowledged);
            return ok;
          },
        };
      },
    })),
  };
}
