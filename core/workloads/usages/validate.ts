import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { parseWith, storableText } from '../../validation.ts';
import type { UsageInput } from './types.ts';

const usageInput = z.strictObject({
  patientId: storableText(1, 64),
  timestamp: storableText(1, 128),
  medication: storableText(1, 256),
});

export function parseUsageInput(body: unknown): UsageInput {
  return parseWith(usageInput, body);
}

const USAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Usage ids are opaque to the API but always 1..64 characters of [A-Za-z0-9-]. */
export function parseUsageId(raw: unknown): string {
  if (typeof raw !== 'string' || !USAGE_ID.test(raw)) {
    throw new ValidationError('id', 'id must be 1..64 characters of A-Z, a-z, 0-9 and -');
  }
  return raw;
}
