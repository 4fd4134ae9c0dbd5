import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import type { UsageStore } from './store.ts';
import { parseUsageId, parseUsageInput } from './validate.ts';

/** `POST /api/usages` (201 once durably stored) and `GET /api/usages/:id`. */
export function createUsagesRouter(store: UsageStore): Router {
  const router = Router();
  router.post('/api/usages', async (req, res) => {
    const id = await store.record(parseUsageInput(req.body));
    res.status(201).json({ id });
  });
  router.get('/api/usages/:id', async (req, res) => {
    const usage = await store.get(parseUsageId(req.params.id));
    if (!usage) throw new NotFoundError('usage not found');
    res.json(usage);
  });
  return router;
}
