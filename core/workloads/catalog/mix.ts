import { createIdPicker, type IdDistribution, type LoadMix } from '../load-mix.ts';

/** Scale facts the catalog mix needs from the dataset. */
export interface CatalogMixScale {
  /** Products are numbered 1..maxProductId with no gaps. */
  maxProductId: number;
}

/**
 * Read-heavy Atelier traffic: styles dominate (the heaviest query, as the
 * front end calls it on every product page). Ids default to the last 10%,
 * where a missing index shows first.
 */
export function catalogMix(scale: CatalogMixScale, distribution: IdDistribution = 'last10'): LoadMix {
  const pickId = createIdPicker(distribution, scale.maxProductId);
  const pages = Math.max(1, Math.floor(scale.maxProductId / 5));
  return {
    workload: 'catalog',
    distribution,
    templates: [
      {
        name: 'GET /products/:id',
        weight: 3,
        build: (random) => {
          const id = pickId(random);
          return { method: 'GET', path: `/products/${id}`, expect: (_s, body) => body.includes(`"id":${id},`) };
        },
      },
      {
        name: 'GET /products/:id/styles',
        weight: 4,
        build: (random) => {
          const id = pickId(random);
          return {
            method: 'GET',
            path: `/products/${id}/styles`,
            expect: (_s, body) => body.includes(`"product_id":"${id}"`),
          };
        },
      },
      {
        name: 'GET /products/:id/related',
        weight: 2,
        build: (random) => ({
          method: 'GET',
          path: `/products/${pickId(random)}/related`,
          expect: (_s, body) => body.startsWith('['),
        }),
      },
      {
        name: 'GET /products?page&count',
        weight: 1,
        build: (random) => ({
          method: 'GET',
          // Pages stay inside the data so every answer has rows.
          path: `/products?page=${1 + Math.floor(random() * pages)}&count=5`,
          expect: (_s, body) => body.startsWith('[{'),
        }),
      },
    ],
  };
}
