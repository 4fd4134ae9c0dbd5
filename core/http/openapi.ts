/**
 * The OpenAPI 3.1 document served at /openapi.json: the service routes here, every workload's
 * paths and schemas from its descriptor. A test walks the Express routes and this document both
 * ways, so the two cannot drift apart.
 */
import { WORKLOADS } from '../workloads/index.ts';
import type { ErrorCode } from '../errors.ts';
import { json, ref, unavailableResponse as unavailable } from '../workloads/openapi-parts.ts';

/** The codes an answer can carry (499 never reaches a client). */
const ERROR_CODES: ErrorCode[] = [
  'VALIDATION',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL',
  'BACKEND_UNAVAILABLE',
];

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'storebench API',
    version: '0.1.0',
    description:
      'The workloads served identically by every storebench backend. Errors are JSON `{error, code, field?}` with a stable `code`: 400 `VALIDATION` (bad input, naming the field), 404 `NOT_FOUND` (unknown id or path), 405 `METHOD_NOT_ALLOWED` (with `Allow`), 409 `CONFLICT` (existing id), 413 `PAYLOAD_TOO_LARGE`, 415 `UNSUPPORTED_MEDIA_TYPE` (not JSON), 500 `INTERNAL` (a bug), 503 `BACKEND_UNAVAILABLE` (the database cannot answer now). `error` is a short message for people; the cause stays in the server log. Text fields take Unicode text without NUL (U+0000) and without unpaired surrogates, which not every engine can store. Every response carries `X-Request-Id`: the one the request sent (1-128 characters of letters, digits and `._:@/+=-`), or a new UUID.',
  },
  paths: {
    ...Object.fromEntries(WORKLOADS.flatMap((w) => Object.entries(w.openapi.paths))),
    '/healthz': { get: { summary: 'The process is alive', responses: { '200': { description: 'ok' } } } },
    '/readyz': {
      get: {
        summary: 'The backend answers a query',
        responses: { '200': { description: 'ready' }, '503': unavailable },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text exposition format' } } },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
  },
  components: {
    responses: {
      Error: { description: 'client error', ...json(ref('Error')) },
      Unavailable: { description: 'the database cannot answer now', ...json(ref('Error')) },
    },
    schemas: {
      Error: {
        type: 'object',
        additionalProperties: false,
        required: ['error', 'code'],
        properties: {
          error: { type: 'string', description: 'a short message for people; may change' },
          code: { type: 'string', enum: ERROR_CODES, description: 'stable: what clients branch on' },
          field: { type: 'string', description: 'dotted path of the bad field (400 only)' },
        },
      },
      ...Object.fromEntries(WORKLOADS.flatMap((w) => Object.entries(w.openapi.schemas))),
    },
  },
} as const;
