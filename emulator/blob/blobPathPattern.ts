/**
 * Blob trigger paths (docs/local-host-contract.md, "Event Grid and blob triggers", WebJobs `BindingTemplateSource`):
 * `container/blobPattern`, where each `{param}` is a greedy `.*` capture, literals match exactly (case-sensitive),
 * the whole name must match, and `{{` / `}}` stand for literal braces.
 *
 * @example
 * const p = compileBlobPathPattern('uploads/{name}.{ext}');
 * p.match('a.b.csv'); // { name: 'a.b', ext: 'csv' }
 */

export interface BlobPathPattern {
  /** The pattern as written. */
  readonly path: string;
  readonly container: string;
  /** The literal start of the blob name, for listing with a prefix. */
  readonly prefix: string;
  /** Parameter names in order of appearance. */
  readonly parameters: readonly string[];
  /** The captured parameters when `blobName` (without the container) matches, else `undefined`. */
  match(blobName: string): Record<string, string> | undefined;
}

/** Compiles a blob trigger path; throws an Error saying what is wrong with it. */
export function compileBlobPathPattern(path: string): BlobPathPattern {
  const fail = (why: string): never => {
    throw new Error(`Invalid blob trigger path '${path}': ${why}.`);
  };
  const slash = path.indexOf('/');
  if (slash <= 0) fail("expected 'container/blobPattern'");
  const container = path.slice(0, slash);
  const blobPattern = path.slice(slash + 1);
  if (/[{}]/.test(container)) fail('the container name cannot hold parameters');
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container) && container !== '$root' && container !== '$logs') {
    fail(`'${container}' is not a valid container name (3-63 lower-case letters, digits and single hyphens)`);
  }
  if (blobPattern === '') fail('the blob name pattern is empty');

  const parameters: string[] = [];
  let source = '';
  let prefix: string | undefined;
  let literal = '';
  for (let i = 0; i < blobPattern.length; i++) {
    const c = blobPattern[i]!;
    if ((c === '{' || c === '}') && blobPattern[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '}') fail(`unmatched '}' at ${i + 1}`);
    else if (c === '{') {
      const end = blobPattern.indexOf('}', i);
      if (end < 0) fail(`unclosed '{' at ${i + 1}`);
      const name = blobPattern.slice(i + 1, end);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) fail(`'{${name}}' is not a parameter name`);
      if (parameters.includes(name)) fail(`parameter '{${name}}' appears twice`);
      source += escapeRegExp(literal) + '(.*)';
      prefix ??= literal;
      literal = '';
      parameters.push(name);
      i = end;
    } else literal += c;
  }
  source += escapeRegExp(literal);
  const regex = new RegExp(`^${source}$`);
  return {
    path,
    container,
    prefix: prefix ?? literal,
    parameters,
    match(blobName) {
      const m = regex.exec(blobName);
      if (!m) return undefined;
      return Object.fromEntries(parameters.map((name, i) => [name, m[i + 1] ?? '']));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
