/**
 * Turns TypeBox schemas into OpenAPI 3.1 schema objects: plain JSON (TypeBox's symbol keys dropped)
 * where every sub-schema with a `title` becomes `components/schemas/<title>` and is referred to by `$ref`.
 */
import type { TSchema } from '@sinclair/typebox';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON text with keys sorted, for comparing schemas. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

// Keys whose values are data, not schemas: never rewritten.
const DATA_KEYS = new Set(['examples', 'default', 'const', 'enum', 'required']);

/** Collects named schemas while converting; `components()` returns them sorted by name. */
export class SchemaRegistry {
  private readonly named = new Map<string, { schema: JsonObject; text: string }>();

  /** The OpenAPI form of `schema`; a titled schema (at any depth) becomes a `$ref`. */
  toOpenApi(schema: TSchema): JsonValue {
    return this.convert(JSON.parse(JSON.stringify(schema)) as JsonValue);
  }

  components(): JsonObject {
    return Object.fromEntries([...this.named.keys()].sort().map((name) => [name, this.named.get(name)!.schema]));
  }

  private convert(node: JsonValue): JsonValue {
    if (Array.isArray(node)) return node.map((item) => this.convert(item));
    if (!isObject(node)) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = DATA_KEYS.has(key) ? value : this.convert(value);
    const title = out.title;
    if (typeof title !== 'string') return out;
    const text = canonical(out);
    const existing = this.named.get(title);
    if (existing && existing.text !== text)
      throw new Error(`Two different schemas are titled '${title}'; give one of them another title.`);
    if (!existing) this.named.set(title, { schema: out, text });
    return { $ref: `#/components/schemas/${title}` };
  }
}
