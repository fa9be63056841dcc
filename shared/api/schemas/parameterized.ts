/**
 * Pipeline steps may hold `${parameters.<name>}` in any string. `allowParameters` derives a step
 * schema from a plain one: every string that has a rule (pattern, enum, format) also accepts a string
 * holding a parameter reference; the service substitutes the values and checks the result at run time.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** A string holding at least one `${parameters.<name>}`. */
export const ParameterReference = Type.String({
  title: 'ParameterReference',
  pattern: '\\$\\{parameters\\.[A-Za-z_][A-Za-z0-9_]{0,63}\\}',
  description: "A string holding `${parameters.<name>}`, replaced by the run's parameter value.",
  examples: ['${parameters.inputPath}'],
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isRuledString(schema: Record<string, Json>): boolean {
  return (
    schema.type === 'string' &&
    (schema.pattern !== undefined || schema.enum !== undefined || schema.format !== undefined)
  );
}

function rewrite(node: Json, top: boolean): Json {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, false));
  if (node === null || typeof node !== 'object') return node;
  if (isRuledString(node)) {
    // The description stays on the plain branch too: validation messages quote it as the rule.
    const description = node.description;
    return {
      anyOf: [node, JSON.parse(JSON.stringify(ParameterReference)) as Json],
      ...(description !== undefined ? { description } : {}),
    };
  }
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    // Nested titles name components of the plain schema; the copy is inlined so it cannot clash with them.
    if (key === 'title' && !top) continue;
    out[key] = key === 'examples' || key === 'required' ? value : rewrite(value, false);
  }
  return out;
}

/**
 * A copy of `schema` whose rule-bearing strings also accept `${parameters.<name>}`, titled `title`.
 *
 * @example
 *   const StepJob = allowParameters(BatchJobSpec, 'PipelineBatchJobSpec');
 */
export function allowParameters<T extends TSchema>(schema: T, title: string): T {
  const copy = rewrite(JSON.parse(JSON.stringify(schema)) as Json, true) as Record<string, Json>;
  return Type.Unsafe({ ...copy, title }) as unknown as T;
}
