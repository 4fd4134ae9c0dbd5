import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { MAX_ID, parseWith } from '../../validation.ts';
import type { OverviewRecord, OverviewUpdate } from './types.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a calendar date');

const fields = {
  game_name: z.string().min(1).max(200),
  description: z.string().max(10_000),
  release_date: isoDate,
  developer: z.string().min(1).max(200),
  publisher: z.string().min(1).max(200),
  tags: z.array(z.string().min(1).max(64)).max(32),
};

const overviewRecord = z.strictObject({ game_id: z.number().int().min(1).max(MAX_ID), ...fields });
const overviewUpdate = z.strictObject({ game_id: z.number().optional(), ...fields });

export function parseOverviewRecord(body: unknown): OverviewRecord {
  return parseWith(overviewRecord, body);
}

/** A PUT body: every field but game_id; a game_id in the body must match the path. */
export function parseOverviewUpdate(body: unknown, gameId: number): OverviewUpdate {
  const { game_id, ...update } = parseWith(overviewUpdate, body);
  if (game_id !== undefined && game_id !== gameId) {
    throw new ValidationError('game_id', 'game_id: must match the id in the path');
  }
  return update;
}
