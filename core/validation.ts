import { z } from 'zod';
import { ValidationError } from './errors.ts';

const POSITIVE_INT = /^[1-9][0-9]{0,9}$/;
/** Ids are 32-bit in every engine's schema (int in PostgreSQL and Cassandra). */
export const MAX_ID = 2_147_483_647;

/** Parse a path or query value that must be a positive 32-bit integer (`abc`, `-1`, `1.5`, `1e3`, `99999999999` are 400s). */
export function parsePositiveInt(raw: unknown, field: string, max = MAX_ID): number {
  if (typeof raw !== 'string' || !POSITIVE_INT.test(raw)) {
    throw new ValidationError(field, `${field} must be a positive integer`);
  }
  const value = Number(raw);
  if (value > max) throw new ValidationError(field, `${field} must be at most ${max}`);
  return value;
}

/**
 * An optional query parameter: its default when absent or empty (`?page&count`, `?page=`: what clients
 * send for a null or undefined value), else the same rules as parsePositiveInt.
 */
export function parseOptionalPositiveInt(raw: unknown, field: string, fallback: number, max: number): number {
  return raw === undefined || raw === '' ? fallback : parsePositiveInt(raw, field, max);
}

/** A lone UTF-16 surrogate: what `\ud800` in JSON, or invalid UTF-8 in the body (see core/http/body.ts), becomes. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string every backend stores and returns exactly as given, decided here once for all of them:
 * no lone surrogate (PostgreSQL, Cassandra and MongoDB store UTF-8 and would turn it into U+FFFD) and
 * no NUL (PostgreSQL text cannot hold it). `min`/`max` count UTF-16 code units, as JSON.parse gives them.
 */
export function storableText(min: number, max: number): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'not valid Unicode text (a lone surrogate, or invalid UTF-8 in the body)')
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL (U+0000)');
}

/** Run a zod schema; the first issue becomes a ValidationError naming its dotted field path. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError(undefined, 'invalid body');
  // An unknown key is reported on the key itself, not on the enclosing object.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [...issue.path, ...keys.slice(0, 1)].map(String);
  const field = path.length > 0 ? path.join('.') : undefined;
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new ValidationError(field, field ? `${field}: ${message}` : message);
}
