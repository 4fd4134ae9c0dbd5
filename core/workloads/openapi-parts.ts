/** Building blocks of the OpenAPI document shared by every workload's paths (core/http assembles them). */
export const errorResponse = { $ref: '#/components/responses/Error' };
export const unavailableResponse = { $ref: '#/components/responses/Unavailable' };

/** A path parameter holding a positive 32-bit id. */
export const idParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
});

/** A JSON body or response with this schema. */
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });

/** A reference to a component schema. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
