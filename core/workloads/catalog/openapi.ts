import { errorResponse as error, idParam, json, ref, unavailableResponse as unavailable } from '../openapi-parts.ts';
import type { WorkloadOpenApi } from '../workload.ts';

export const catalogOpenApi: WorkloadOpenApi = {
  paths: {
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
  },
  schemas: {
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
  },
};
