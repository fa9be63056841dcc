/**
 * A minimal JSON Schema of an OpenAPI 3.1 document's structure — enough to catch a malformed
 * generator (missing descriptions, bad status keys, parameters without schema, unknown security types).
 */
const media = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { schema: { type: ['object', 'boolean'] } },
    additionalProperties: false,
  },
};

export const OPENAPI_31_SHAPE = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string', minLength: 1 } },
    },
    servers: { type: 'array', items: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } },
    tags: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, description: { type: 'string' } },
        additionalProperties: false,
      },
    },
    paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/$defs/pathItem' } },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
        headers: { type: 'object', additionalProperties: { $ref: '#/$defs/header' } },
        securitySchemes: { type: 'object', additionalProperties: { $ref: '#/$defs/securityScheme' } },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  $defs: {
    pathItem: {
      type: 'object',
      properties: Object.fromEntries(
        ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'].map((m) => [
          m,
          { $ref: '#/$defs/operation' },
        ]),
      ),
      additionalProperties: false,
    },
    operation: {
      type: 'object',
      required: ['operationId', 'responses'],
      properties: {
        operationId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
        summary: { type: 'string' },
        description: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        security: {
          type: 'array',
          items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: {
          type: 'object',
          required: ['content'],
          properties: { required: { type: 'boolean' }, description: { type: 'string' }, content: media },
          additionalProperties: false,
        },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5][0-9]{2}|default)$' },
          additionalProperties: { $ref: '#/$defs/response' },
        },
      },
      additionalProperties: false,
    },
    parameter: {
      type: 'object',
      required: ['name', 'in'],
      properties: {
        name: { type: 'string' },
        in: { enum: ['query', 'header', 'path', 'cookie'] },
        required: { type: 'boolean' },
        description: { type: 'string' },
        schema: { type: 'object' },
        content: media,
      },
      oneOf: [{ required: ['schema'] }, { required: ['content'] }],
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
      additionalProperties: false,
    },
    response: {
      type: 'object',
      required: ['description'],
      properties: {
        description: { type: 'string' },
        headers: { type: 'object', additionalProperties: { $ref: '#/$defs/header' } },
        content: media,
      },
      additionalProperties: false,
    },
    header: {
      type: 'object',
      oneOf: [
        { required: ['$ref'], properties: { $ref: { type: 'string' } }, additionalProperties: false },
        {
          required: ['schema'],
          properties: { description: { type: 'string' }, schema: { type: 'object' } },
          additionalProperties: false,
        },
      ],
    },
    securityScheme: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS'] } },
      allOf: [
        {
          if: { properties: { type: { const: 'apiKey' } } },
          then: { required: ['name', 'in'], properties: { in: { enum: ['query', 'header', 'cookie'] } } },
        },
        { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
      ],
    },
  },
} as const;
