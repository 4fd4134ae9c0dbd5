import { Router } from 'express';
import { NotFoundError } from '../../errors.ts';
import { parsePositiveInt } from '../../validation.ts';
import type { OverviewStore } from './store.ts';
import { parseOverviewRecord, parseOverviewUpdate } from './validate.ts';

/** CRUD on `/api/overview/:gameId`. */
export function createOverviewRouter(store: OverviewStore): Router {
  const router = Router();
  router.get('/api/overview/:gameId', async (req, res) => {
    const record = await store.get(parsePositiveInt(req.params.gameId, 'gameId'));
    if (!record) throw new NotFoundError('game not found');
    res.json(record);
  });
  router.post('/api/overview', async (req, res) => {
    const record = parseOverviewRecord(req.body);
    await store.create(record);
    res.status(201).location(`/api/overview/${record.game_id}`).json(record);
  });
  router.put('/api/overview/:gameId', async (req, res) => {
    const gameId = parsePositiveInt(req.params.gameId, 'gameId');
    const update = parseOverviewUpdate(req.body, gameId);
    if (!(await store.replace(gameId, update))) throw new NotFoundError('game not found');
    res.json({ game_id: gameId, ...update });
  });
  router.delete('/api/overview/:gameId', async (req, res) => {
    if (!(await store.remove(parsePositiveInt(req.params.gameId, 'gameId')))) throw new NotFoundError('game not found');
    res.status(204).end();
  });
  return router;
}
