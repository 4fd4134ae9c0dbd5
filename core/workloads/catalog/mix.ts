import { createIdPicker, type IdDistribution, type LoadMix, type RequestTemplate } from '../load-mix.ts';

/** Scale facts the catalog mix needs from the dataset. */
export interface CatalogMixScale {
  /** Products are numbered 1..maxProductId with no gaps. */
  maxProductId: number;
}

/** Page size of the deliberately slow request: the largest page the API serves. */
export const SLOW_PAGE_SIZE = 1000;

export interface CatalogMixOptions {
  /**
   * Fraction of requests (0..1) that ask for a page of 1,000 products: a legitimate request that costs
   * the API process milliseconds of JSON work, blocking its event loop meanwhile. The scale-out experiment
   * uses it to show how round robin keeps sending requests to a busy instance while least_conn does not.
   */
  slowFraction?: number;
}

/**
 * Read-heavy Atelier traffic: styles dominate (the heaviest query, as the
 * front end calls it on every product page). Ids default to the last 10%,
 * where a missing index shows first.
 */
export function catalogMix(
  scale: CatalogMixScale,
  distribution: IdDistribution = 'last10',
  options: CatalogMixOptions = {},
): LoadMix {
  const pickId = createIdPicker(distribution, scale.maxProductId);
  const pages = Math.max(1, Math.floor(scale.maxProductId / 5));
  const slowFraction = options.slowFraction ?? 0;
  if (!(slowFraction >= 0 && slowFraction < 1))
    throw new RangeError(`slowFraction must be in [0, 1), got ${slowFraction}`);
  const templates: RequestTemplate[] = [
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
  ];
  if (slowFraction > 0) {
    const others = templates.reduce((sum, t) => sum + t.weight, 0);
    const bigPages = Math.max(1, Math.floor(scale.maxProductId / SLOW_PAGE_SIZE));
    templates.push({
      name: `GET /products?count=${SLOW_PAGE_SIZE} (slow)`,
      weight: (others * slowFraction) / (1 - slowFraction),
      build: (random) => ({
        method: 'GET',
        path: `/products?page=${1 + Math.floor(random() * bigPages)}&count=${SLOW_PAGE_SIZE}`,
        expect: (_s, body) => body.startsWith('[{'),
      }),
    });
  }
  return { workload: 'catalog', distribution, templates };
}
