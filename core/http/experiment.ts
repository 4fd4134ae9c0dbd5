import type { Request, Response } from 'express';
import { ValidationError } from '../errors.ts';

/** Longest busy time a request may ask for. */
export const MAX_BUSY_MS = 1000;

/**
 * `GET /experiment/busy?ms=N`: burns N ms of CPU on the event loop (nothing else runs in this process
 * meanwhile), then answers `{"busyMs": N}`. Mounted only with `experimentRoutes`.
 */
export function busyHandler(req: Request, res: Response): void {
  const raw = req.query.ms;
  const ms = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms >= 1 && ms <= MAX_BUSY_MS)) {
    throw new ValidationError('ms', `ms must be an integer 1..${MAX_BUSY_MS}`);
  }
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  res.json({ busyMs: ms, spins });
}
