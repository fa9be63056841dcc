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
  /** Lower is more specific: literal 1, complex 2, constrained 3, parameter 4, catch-all 5 (ASP.NET's order). */
  rank: number;
  regex: RegExp | undefined;
}

export interface CompiledRoute {
  template: string;
  segments: Segment[];
  /** Compared element-wise to order competing routes (most specific first). */
  precedence: number[];
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
    const only = parts[0]!;
    if ('literal' in only) return { parts, rank: 1, regex: undefined };
    const p = only.parameter;
    return { parts, rank: p.catchAll ? 5 : p.constraints.length ? 3 : 4, regex: undefined };
  }
  const source = parts.map((part) => ('literal' in part ? escapeRegex(part.literal) : '(.+)')).join('');
  return { parts, rank: 2, regex: new RegExp(`^${source}$`, 'i') };
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
    if (catchAll && i !== segments.length - 1) throw new Error(`A catch-all parameter must be the last segment of '${template}'.`);
  });
  return {
    template,
    segments,
    precedence: segments.map((s) => s.rank),
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
      if (rest === '' && !first.parameter.optional && first.parameter.defaultValue === undefined) return undefined;
      if (rest !== '' && !accepts(first.parameter, rest)) return undefined;
      if (rest !== '' || first.parameter.defaultValue !== undefined) params[first.parameter.name] = rest || first.parameter.defaultValue!;
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

/** Orders routes most specific first (ASP.NET's precedence: segment by segment, literal beats parameter). */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const ra = a.precedence[i] ?? 0;
    const rb = b.precedence[i] ?? 0;
    if (ra !== rb) return ra - rb;
  }
  return b.segments.length - a.segments.length;
}
