/**
 * The Ajv set-up shared by request validation and the tests: JSON Schema 2020-12 (the dialect of
 * OpenAPI 3.1), every error collected, and the two formats the schemas use checked without a plugin.
 */
import Ajv2020 from 'ajv/dist/2020';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function isDateTime(text: string): boolean {
  return DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));
}

function isUri(text: string): boolean {
  try {
    return new URL(text).protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * A new Ajv instance configured for Sibyl's schemas.
 *
 * @example
 *   const validate = createAjv().compile(DeploymentSpec);
 */
export function createAjv(): Ajv2020 {
  // strictRequired off: `oneOf: [{required: ['deployment']}, …]` names fields declared beside it.
  // verbose: errors carry the failing value and schema, which the message builder quotes.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  ajv.addFormat('uri', { type: 'string', validate: isUri });
  return ajv;
}
