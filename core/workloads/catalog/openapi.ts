import { errorResponse as error, idParam, json, ref, unavailableResponse as unavailable } from '../openapi-parts.ts';
import type { WorkloadOpenApi } from '../workload.ts';
import { PRODUCT_FIELDS } from './product-fields.ts';
import { MAX_COUNT, MAX_PAGE } from './router.ts';

export const catalogOpenApi: WorkloadOpenApi = {
  paths: {
    '/products': {
      get: {
        summary: 'List products by id',
        description: 'An empty `page` or `count` (`?page&count`, `?count=`) means its default.',
        parameters: [
          {
            name: 'page',
            in: 'query',
            allowEmptyValue: true,
            schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 },
          },
          {
            name: 'count',
            in: 'query',
            allowEmptyValue: true,
            schema: { type: 'integer', minimum: 1, maximum: MAX_COUNT, default: 5 },
          },
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
      required: [...PRODUCT_FIELDS],
      properties: {
        id: { type: 'integer' },
        campus: { type: 'string', description: 'the Atelier campus code, e.g. hr-rfe' },
        name: { type: 'string' },
        slogan: { type: 'string' },
        description: { type: 'string' },
        category: { type: 'string' },
        default_price: { type: 'string' },
        created_at: { type: 'string', format: 'date-time', description: 'UTC, milliseconds: 2021-08-13T14:38:44.509Z' },
        updated_at: { type: 'string', format: 'date-time' },
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
