import { createIdPicker, type IdDistribution, type LoadMix, type RandomSource } from '../load-mix.ts';

/** Scale facts the overview mix needs from the dataset. */
export interface OverviewMixScale {
  /** Records are numbered 1..maxGameId with no gaps. */
  maxGameId: number;
}

const TAGS = ['action', 'indie', 'rpg', 'strategy', 'puzzle', 'multiplayer', 'co-op', 'roguelike'];

function recordFields(random: RandomSource): Record<string, unknown> {
  const day = 1 + Math.floor(random() * 28);
  return {
    game_name: `Load Game ${Math.floor(random() * 1e9)}`,
    description: 'Written by the storebench load generator.',
    release_date: `20${10 + Math.floor(random() * 15)}-0${1 + Math.floor(random() * 9)}-${String(day).padStart(2, '0')}`,
    developer: 'storebench',
    publisher: 'storebench',
    tags: TAGS.filter(() => random() < 0.3),
  };
}

/**
 * CRUD traffic: mostly reads, full-replace updates of seeded records, and
 * creates whose ids are later deleted (the seeded data is never deleted, so a
 * ladder can run again on the same data).
 */
export function overviewMix(scale: OverviewMixScale, distribution: IdDistribution = 'uniform'): LoadMix {
  const pickId = createIdPicker(distribution, scale.maxGameId);
  // New ids live far above the seeded range, spread per run so reruns rarely collide.
  let nextNewId = scale.maxGameId + 1_000_000 + Math.floor(Math.random() * 500_000_000);
  const created: number[] = [];
  return {
    workload: 'overview',
    distribution,
    templates: [
      {
        name: 'GET /api/overview/:id',
        weight: 80,
        build: (random) => {
          const id = pickId(random);
          return {
            method: 'GET',
            path: `/api/overview/${id}`,
            expect: (_s, body) => body.includes(`"game_id":${id},`),
          };
        },
      },
      {
        name: 'PUT /api/overview/:id',
        weight: 10,
        build: (random) => ({
          method: 'PUT',
          path: `/api/overview/${pickId(random)}`,
          body: JSON.stringify(recordFields(random)),
        }),
      },
      {
        name: 'POST /api/overview',
        weight: 5,
        build: (random) => {
          const id = nextNewId++;
          return {
            method: 'POST',
            path: '/api/overview',
            body: JSON.stringify({ game_id: id, ...recordFields(random) }),
            expect: (status) => {
              if (status === 201) created.push(id);
              return status === 201;
            },
          };
        },
      },
      {
        name: 'DELETE /api/overview/:id',
        weight: 5,
        build: () => {
          const id = created.shift();
          return id === undefined ? null : { method: 'DELETE', path: `/api/overview/${id}` };
        },
      },
    ],
  };
}
