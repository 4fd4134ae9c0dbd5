/**
 * The OpenAPI 3.1 document served at /openapi.json. A test walks the Express
 * routes and this document both ways, so the two cannot drift apart.
 */
const error = { $ref: '#/components/responses/Error' };
const unavailable = { $ref: '#/components/responses/Unavailable' };
const idParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
});
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'storebench API',
    version: '0.1.0',
    description:
      'The workloads served identically by every storebench backend. Errors are JSON `{error, field?}`: 400 bad input (naming the field), 404 unknown id, 409 existing id, 413 body too large, 415 not JSON, 503 database unavailable.',
  },
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
    '/products': {
      get: {
        summary: 'List products by id',
        parameters: [
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 2000000, default: 1 } },
          { name: 'count', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 5 } },
        ],
        responses: {
          '200': { description: 'a page of products', ...json({ type: 'array', items: ref('ProductSummary') }) },
          '400': error,
          '503': unavailable,
        },
      },
    },
    '/products/{product_id}': {
      get: {
        summary: 'One product with its features',
        parameters: [idParam('product_id')],
        responses: {
          '200': { description: 'the product', ...json(ref('Product')) },
          '400': error,
          '404': error,
          '503': unavailable,
        },
      },
    },
    '/products/{product_id}/styles': {
      get: {
        summary: 'Styles of a product with photos and skus',
        parameters: [idParam('product_id')],
        responses: {
          '200': { description: 'the styles', ...json(ref('ProductStyles')) },
          '400': error,
          '404': error,
          '503': unavailable,
        },
      },
    },
    '/products/{product_id}/related': {
      get: {
        summary: 'Ids of related products',
        parameters: [idParam('product_id')],
        responses: {
          '200': { description: 'related ids', ...json({ type: 'array', items: { type: 'integer' } }) },
          '400': error,
          '404': error,
          '503': unavailable,
        },
      },
    },
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
      UsageId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
      UsageInput: {
        type: 'object',
        additionalProperties: false,
        required: ['patientId', 'timestamp', 'medication'],
        properties: {
          patientId: { type: 'string', minLength: 1, maxLength: 64 },
          timestamp: { type: 'string', minLength: 1, maxLength: 128 },
          medication: { type: 'string', minLength: 1, maxLength: 256 },
        },
      },
      Usage: { allOf: [ref('UsageInput'), { type: 'object', required: ['id'], properties: { id: ref('UsageId') } }] },
      ProductSummary: {
        type: 'object',
        required: ['id', 'name', 'slogan', 'description', 'category', 'default_price'],
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          slogan: { type: 'string' },
          description: { type: 'string' },
          category: { type: 'string' },
          default_price: { type: 'string' },
        },
      },
      Product: {
        allOf: [
          ref('ProductSummary'),
          {
            type: 'object',
            required: ['features'],
            properties: {
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['feature', 'value'],
                  properties: { feature: { type: 'string' }, value: { type: ['string', 'null'] } },
                },
              },
            },
          },
        ],
      },
      ProductStyles: {
        type: 'object',
        required: ['product_id', 'results'],
        properties: {
          product_id: { type: 'string' },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['style_id', 'name', 'original_price', 'sale_price', 'default?', 'photos', 'skus'],
              properties: {
                style_id: { type: 'integer' },
                name: { type: 'string' },
                original_price: { type: 'string' },
                sale_price: { type: ['string', 'null'] },
                'default?': { type: 'boolean' },
                photos: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['thumbnail_url', 'url'],
                    properties: { thumbnail_url: { type: 'string' }, url: { type: 'string' } },
                  },
                },
                skus: {
                  type: 'object',
                  description: 'keyed by sku id',
                  additionalProperties: {
                    type: 'object',
                    required: ['quantity', 'size'],
                    properties: { quantity: { type: 'integer' }, size: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      OverviewUpdate: {
        type: 'object',
        additionalProperties: false,
        required: ['game_name', 'description', 'release_date', 'developer', 'publisher', 'tags'],
        properties: {
          game_id: { type: 'integer', description: 'optional; must equal the path id' },
          game_name: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 10000 },
          release_date: { type: 'string', format: 'date' },
          developer: { type: 'string', minLength: 1, maxLength: 200 },
          publisher: { type: 'string', minLength: 1, maxLength: 200 },
          tags: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
        },
      },
      OverviewRecord: {
        allOf: [
          ref('OverviewUpdate'),
          {
            type: 'object',
            required: ['game_id'],
            properties: { game_id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
          },
        ],
      },
    },
  },
} as const;
