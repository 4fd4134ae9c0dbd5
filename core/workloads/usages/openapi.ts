import { errorResponse as error, json, ref, unavailableResponse as unavailable } from '../openapi-parts.ts';
import type { WorkloadOpenApi } from '../workload.ts';

const USAGE_FIELDS = {
  patientId: { type: 'string', minLength: 1, maxLength: 64 },
  timestamp: { type: 'string', minLength: 1, maxLength: 128 },
  medication: { type: 'string', minLength: 1, maxLength: 256 },
};

export const usagesOpenApi: WorkloadOpenApi = {
  paths: {
    '/api/usages': {
      post: {
        summary: 'Record one usage (201 once durably stored)',
        requestBody: { required: true, ...json(ref('UsageInput')) },
        responses: {
          '201': {
            description: 'stored',
            ...json({ type: 'object', required: ['id'], properties: { id: ref('UsageId') } }),
          },
          '400': error,
          '413': error,
          '415': error,
          '503': unavailable,
        },
      },
    },
    '/api/usages/{id}': {
      get: {
        summary: 'Read one usage back',
        parameters: [{ name: 'id', in: 'path', required: true, schema: ref('UsageId') }],
        responses: {
          '200': { description: 'the usage', ...json(ref('Usage')) },
          '400': error,
          '404': error,
          '503': unavailable,
        },
      },
    },
  },
  schemas: {
    UsageId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
    UsageInput: {
      type: 'object',
      additionalProperties: false,
      required: ['patientId', 'timestamp', 'medication'],
      properties: USAGE_FIELDS,
    },
    // Not an allOf of UsageInput: its additionalProperties:false would refuse the id.
    Usage: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'patientId', 'timestamp', 'medication'],
      properties: { id: ref('UsageId'), ...USAGE_FIELDS },
    },
  },
};
