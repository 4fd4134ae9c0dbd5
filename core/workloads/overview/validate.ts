import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { MAX_ID, parseWith, storableText } from '../../validation.ts';
import type { OverviewRecord, OverviewUpdate } from './types.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a calendar date')
  // JavaScript and Cassandra know a year 0 (1 BC), PostgreSQL does not: every backend gets 0001..9999.
  .refine((s) => s >= '0001-01-01', 'not a calendar date from 0001-01-01 to 9999-12-31');

const fields = {
  game_name: storableText(1, 200),
  description: storableText(0, 10_000),
  release_date: isoDate,
  developer: storableText(1, 200),
  publisher: storableText(1, 200),
  tags: z.array(storableText(1, 64)).max(32),
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
