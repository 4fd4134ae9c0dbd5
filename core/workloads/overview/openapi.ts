import { errorResponse as error, idParam, json, ref, unavailableResponse as unavailable } from '../openapi-parts.ts';
import type { WorkloadOpenApi } from '../workload.ts';

const GAME_ID = { type: 'integer', minimum: 1, maximum: 2147483647 };
const OVERVIEW_REQUIRED = ['game_name', 'description', 'release_date', 'developer', 'publisher', 'tags'];
const OVERVIEW_FIELDS = {
  game_name: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: 'string', maxLength: 10000 },
  release_date: { type: 'string', format: 'date' },
  developer: { type: 'string', minLength: 1, maxLength: 200 },
  publisher: { type: 'string', minLength: 1, maxLength: 200 },
  tags: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
};

export const overviewOpenApi: WorkloadOpenApi = {
  paths: {
    '/api/overview': {
      post: {
        summary: 'Create a game overview',
        requestBody: { required: true, ...json(ref('OverviewRecord')) },
        responses: {
          '201': {
            description: 'created',
            headers: { Location: { schema: { type: 'string' }, description: '/api/overview/<game_id>' } },
            ...json(ref('OverviewRecord')),
          },
          '400': error,
          '409': error,
          '413': error,
          '415': error,
          '503': unavailable,
        },
      },
    },
    '/api/overview/{gameId}': {
      get: {
        summary: 'Read a game overview',
        parameters: [idParam('gameId')],
        responses: {
          '200': { description: 'the record', ...json(ref('OverviewRecord')) },
          '400': error,
          '404': error,
          '503': unavailable,
        },
      },
      put: {
        summary: 'Replace a game overview (404 when missing)',
        description:
          'A `game_id` in the body must equal `gameId` in the path: a different one is a 400 naming `game_id`.',
        parameters: [idParam('gameId')],
        requestBody: { required: true, ...json(ref('OverviewUpdate')) },
        responses: {
          '200': { description: 'the new record', ...json(ref('OverviewRecord')) },
          '400': error,
          '404': error,
          '413': error,
          '415': error,
          '503': unavailable,
        },
      },
      delete: {
        summary: 'Delete a game overview (404 the second time)',
        parameters: [idParam('gameId')],
        responses: { '204': { description: 'deleted' }, '400': error, '404': error, '503': unavailable },
      },
    },
  },
  schemas: {
    OverviewUpdate: {
      type: 'object',
      additionalProperties: false,
      required: OVERVIEW_REQUIRED,
      description:
        'A full replacement. `game_id` may be left out; when given it must equal the id in the path, or the answer is 400 naming `game_id`.',
      properties: {
        game_id: { ...GAME_ID, description: 'optional; must equal the id in the path (400 otherwise)' },
        ...OVERVIEW_FIELDS,
      },
    },
    // Not an allOf of OverviewUpdate: one closed object states exactly what a record holds.
    OverviewRecord: {
      type: 'object',
      additionalProperties: false,
      required: ['game_id', ...OVERVIEW_REQUIRED],
      properties: { game_id: GAME_ID, ...OVERVIEW_FIELDS },
    },
  },
};
