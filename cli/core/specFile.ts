/**
 * Reads a spec file for `pipelines apply` / `schedules apply`: YAML (`.yaml`/`.yml`) or JSON, one object.
 * The resource name comes from `--name`, else the file's `name` field, else the file name.
 *
 * @example
 *   const { name, spec } = await readSpecFile('nightly.yaml', undefined); // name 'nightly', spec without `name`
 */
import * as path from 'node:path';
import { UsageError } from './cliErrors';
import { readText } from './readInput';

export async function readSpecFile(
  file: string,
  name: string | undefined,
): Promise<{ name: string; spec: Record<string, unknown> }> {
  const text = await readText(file);
  const isYaml = /\.ya?ml$/i.test(file) || (!/\.json$/i.test(file) && !/^\s*[{[]/.test(text));
  let parsed: unknown;
  try {
    // The YAML parser is loaded only here; most commands never need it.
    parsed = isYaml ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid ${isYaml ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(
      `${file} must hold one object (a mapping), not ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`,
    );
  const { name: inFile, ...spec } = parsed as Record<string, unknown>;
  const fromFileName = file === '-' ? undefined : path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const resolved = name ?? (typeof inFile === 'string' ? inFile : fromFileName);
  if (!resolved) throw new UsageError('name the resource: --name NAME, or a `name:` field in the file.');
  return { name: resolved, spec };
}
