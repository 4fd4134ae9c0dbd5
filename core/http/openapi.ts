/**
 * The OpenAPI 3.1 document served at /openapi.json: the service routes here, every workload's
 * paths and schemas from its descriptor. A test walks the Express routes and this document both
 * ways, so the two cannot drift apart.
 */
import { WORKLOADS } from '../workloads/index.ts';
import { json, ref, unavailableResponse as unavailable } from '../workloads/openapi-parts.ts';

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'storebench API',
    version: '0.1.0',
    description:
      'The workloads served identically by every storebench backend. Errors are JSON `{error, field?}`: 400 bad input (naming the field), 404 unknown id, 409 existing id, 413 body too large, 415 not JSON, 503 database unavailable.',
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
        required: ['error'],
        properties: {
          error: { type: 'string' },
          field: { type: 'string', description: 'dotted path of the bad field' },
        },
      },
      ...Object.fromEntries(WORKLOADS.flatMap((w) => Object.entries(w.openapi.schemas))),
    },
  },
} as const;
