import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import { MAX_ID, parseOptionalPositiveInt, parsePositiveInt } from '../../validation.ts';
import type { CatalogStore } from './store.ts';

/**
 * Largest page: Atelier clients load the catalog list with `?count=10000` (about 3.5 MB of JSON), and a
 * page that size costs each engine one index range scan.
 */
export const MAX_COUNT = 10_000;
/** Largest page number: page 2,000,000 of 1 reaches past the Atelier catalog's 1M products. */
export const MAX_PAGE = 2_000_000;

function found<T>(value: T | undefined): T {
  if (value === undefined) throw new NotFoundError('product not found');
  return value;
}

/** The Atelier products API. */
export function createCatalogRouter(store: CatalogStore): Router {
  const router = Router();
  router.get('/products', async (req, res) => {
    const page = parseOptionalPositiveInt(req.query.page, 'page', 1, MAX_PAGE);
    const count = parseOptionalPositiveInt(req.query.count, 'count', 5, MAX_COUNT);
    // Ids are 32-bit, so no catalog has a product at that offset: every store is spared offsets past 2^31.
    if ((page - 1) * count >= MAX_ID) return void res.json([]);
    res.json(await store.listProducts(page, count));
  });
  router.get('/products/:product_id', async (req, res) => {
    res.json(found(await store.getProduct(parsePositiveInt(req.params.product_id, 'product_id'))));
  });
  router.get('/products/:product_id/styles', async (req, res) => {
    res.json(found(await store.getStyles(parsePositiveInt(req.params.product_id, 'product_id'))));
  });
  router.get('/products/:product_id/related', async (req, res) => {
    res.json(found(await store.getRelated(parsePositiveInt(req.params.product_id, 'product_id'))));
  });
  return router;
}
