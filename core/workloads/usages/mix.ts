import type { LoadMix, RandomSource } from '../load-mix.ts';

/** Scale facts the usages mix needs (none are required: writes create their own rows). */
export interface UsagesMixScale {
  /** Distinct patient ids to spread writes over. Default 10,000. */
  patients?: number;
  /** Fraction 0..1 of requests that read back a usage this run created. Default 0 (pure ingest). */
  readBackFraction?: number;
}

const MEDICATIONS = ['Albuterol', 'Fluticasone', 'Budesonide', 'Montelukast', 'Salmeterol', 'Ipratropium'];

/** Write ingest: POST /api/usages; optional read-backs of ids returned by this run. */
export function usagesMix(scale: UsagesMixScale = {}): LoadMix {
  const patients = scale.patients ?? 10_000;
  const readBack = Math.min(1, Math.max(0, scale.readBackFraction ?? 0));
  // A bounded ring of recently created ids for read-backs.
  const recent: string[] = [];
  let recentNext = 0;
  const remember = (id: string): void => {
    if (recent.length < 10_000) recent.push(id);
    else recent[recentNext++ % recent.length] = id;
  };
  const body = (random: RandomSource): string =>
    JSON.stringify({
      patientId: String(1 + Math.floor(random() * patients)),
      timestamp: new Date(Date.UTC(2016, 10, 1) + Math.floor(random() * 86_400_000 * 365)).toString(),
      medication: MEDICATIONS[Math.floor(random() * MEDICATIONS.length)] ?? 'Albuterol',
    });
  return {
    workload: 'usages',
    distribution: 'uniform',
    templates: [
      {
        name: 'POST /api/usages',
        weight: 1 - readBack,
        build: (random) => ({
          method: 'POST',
          path: '/api/usages',
          body: body(random),
          expect: (status, text) => {
            if (status !== 201) return false;
            const match = /"id":"?([A-Za-z0-9-]{1,64})/.exec(text);
            if (match?.[1] && readBack > 0) remember(match[1]);
            return match !== null;
          },
        }),
      },
      {
        name: 'GET /api/usages/:id',
        weight: readBack,
        build: (random) => {
          const id = recent[Math.floor(random() * recent.length)];
          return id === undefined
            ? null
            : { method: 'GET', path: `/api/usages/${id}`, expect: (_s, text) => text.includes(id) };
        },
      },
    ],
  };
}
