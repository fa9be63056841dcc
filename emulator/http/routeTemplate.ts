/**
 * ASP.NET Core route templates as the Functions host compiles them: literal segments, `{p}`,
 * `{p?}`, `{p=default}`, `{*rest}`, inline constraints, complex segments such as `{name}.{ext}`.
 * Literals match case-insensitively; a failed constraint means "no match".
 */
import { parseConstraint, type RouteConstraint } from './routeConstraints';

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraint[];
}

type Part = { literal: string } | { parameter: Parameter };

interface Segment {
  parts: Part[];
  regex: RegExp | undefined;
}

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  match(pathSegments: string[]): Record<string, string> | undefined;
}

function splitParts(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === '{' && segment[i + 1] === '{') {
      literal += '{';
      i++;
    } else if (ch === '}' && segment[i + 1] === '}') {
      literal += '}';
      i++;
    } else if (ch === '{') {
      let depth = 1;
      let j = i + 1;
      for (; j < segment.length && depth > 0; j++) {
        if (segment[j] === '{') depth++;
        else if (segment[j] === '}') depth--;
      }
      if (depth !== 0) throw new Error(`Unclosed '{' in route template '${template}'.`);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ parameter: parseParameter(segment.slice(i + 1, j - 1), template) });
      i = j - 1;
    } else if (ch === '}') {
      throw new Error(`Unmatched '}' in route template '${template}'.`);
    } else {
      literal += ch;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

function parseParameter(body: string, template: string): Parameter {
  let text = body;
  const catchAll = text.startsWith('*');
  text = text.replace(/^\*{1,2}/, '');
  const [head = '', ...constraintTexts] = splitConstraints(text);
  let name = head;
  let optional = false;
  let defaultValue: string | undefined;
  const eq = name.indexOf('=');
  if (eq >= 0) {
    defaultValue = name.slice(eq + 1);
    name = name.slice(0, eq);
  }
  const last = constraintTexts.length ? constraintTexts[constraintTexts.length - 1]! : undefined;
  if (name.endsWith('?')) {
    optional = true;
    name = name.slice(0, -1);
  } else if (last?.endsWith('?')) {
    optional = true;
    constraintTexts[constraintTexts.length - 1] = last.slice(0, -1);
  }
  if (!/^[A-Za-z_][\w]*$/.test(name)) throw new Error(`Invalid route parameter '{${body}}' in '${template}'.`);
  return { name, optional, catchAll, defaultValue, constraints: constraintTexts.map(parseConstraint) };
}

/** Splits `id:regex(a:b):min(1)` on the colons that are not inside parentheses. */
function splitConstraints(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(raw: string, template: string): Segment {
  const parts = splitParts(raw, template);
  if (parts.length === 1) {
    return { parts, regex: undefined };
  }
  const source = parts.map((part) => ('literal' in part ? escapeRegex(part.literal) : '(.+)')).join('');
  return { parts, regex: new RegExp(`^${source}$`, 'i') };
}

function accepts(parameter: Parameter, value: string): boolean {
  return parameter.constraints.every((constraint) => constraint(value));
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map((s) => compileSegment(s, template));
  segments.forEach((segment, i) => {
    const catchAll = segment.parts.some((p) => 'parameter' in p && p.parameter.catchAll);
    if (catchAll && i !== segments.length - 1)
      throw new Error(`A catch-all parameter must be the last segment of '${template}'.`);
  });
  return {
    template,
    segments,
    match: (path) => matchSegments(segments, path),
  };
}

function matchSegments(segments: Segment[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const value = path[i];
    const first = segment.parts[0]!;
    if (segment.regex === undefined && 'parameter' in first && first.parameter.catchAll) {
      const rest = path.slice(i).map(decode).join('/');
      // ASP.NET Core: a catch-all also matches the empty string, `?` or not.
      if (rest !== '' && !accepts(first.parameter, rest)) return undefined;
      if (rest !== '' || first.parameter.defaultValue !== undefined)
        params[first.parameter.name] = rest || first.parameter.defaultValue!;
      return params;
    }
    if (value === undefined) {
      if (!('parameter' in first) || segment.parts.length > 1) return undefined;
      if (!first.parameter.optional && first.parameter.defaultValue === undefined) return undefined;
      if (first.parameter.defaultValue !== undefined) params[first.parameter.name] = first.parameter.defaultValue;
      continue;
    }
    if (segment.regex) {
      const m = segment.regex.exec(value);
      if (!m) return undefined;
      let group = 1;
      for (const part of segment.parts) {
        if (!('parameter' in part)) continue;
        const captured = decode(m[group++]!);
        if (!accepts(part.parameter, captured)) return undefined;
        params[part.parameter.name] = captured;
      }
      continue;
    }
    if ('literal' in first) {
      if (decode(value).toLowerCase() !== first.literal.toLowerCase()) return undefined;
      continue;
    }
    const decoded = decode(value);
    if (!accepts(first.parameter, decoded)) return undefined;
    params[first.parameter.name] = decoded;
  }
  return path.length > segments.length ? undefined : params;
}

/**
 * Orders routes as the host does (`WebJobsRouteBuilder.RouteComparison`): segment by segment, looking at
 * each segment's first part only, a literal beats a parameter, a parameter with more inline constraints
 * beats one with fewer, literals compare alphabetically (ignoring case); a catch-all counts as a plain
 * parameter. When one template runs out first, the longer one wins. Ties keep registration order, which
 * is what the host's sort does for up to 16 routes (beyond that its order is undefined).
 */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < a.segments.length; i++) {
    const other = b.segments[i];
    if (!other) return -1;
    const x = a.segments[i]!.parts[0]!;
    const y = other.parts[0]!;
    if ('literal' in x && 'parameter' in y) return -1;
    if ('parameter' in x && 'literal' in y) return 1;
    if ('parameter' in x && 'parameter' in y) {
      const diff = y.parameter.constraints.length - x.parameter.constraints.length;
      if (diff !== 0) return Math.sign(diff);
    } else if ('literal' in x && 'literal' in y) {
      const order = compareOrdinalIgnoreCase(x.literal, y.literal);
      if (order !== 0) return order;
    }
  }
  return b.segments.length > a.segments.length ? 1 : 0;
}

/** .NET's `StringComparison.OrdinalIgnoreCase`: code units compared after upper-casing. */
function compareOrdinalIgnoreCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
