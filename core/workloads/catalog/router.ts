import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import { parseOptionalPositiveInt, parsePositiveInt } from '../../validation.ts';
import type { CatalogStore } from './store.ts';

export const MAX_COUNT = 1000;
/** Bounds page so that the offset (page-1)*count stays a 32-bit value in every engine. */
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
