/** ASP.NET Core inline route constraints (`{id:int}`, `{n:range(1,9)}`…) as the Functions host applies them. */

export type RouteConstraint = (value: string) => boolean;

const GUID = /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i;
const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function integerWithin(min: bigint, max: bigint): RouteConstraint {
  return (value) => INT.test(value) && BigInt(value) >= min && BigInt(value) <= max;
}

const SIMPLE: Record<string, RouteConstraint> = {
  int: integerWithin(-(2n ** 31n), 2n ** 31n - 1n),
  long: integerWithin(-(2n ** 63n), 2n ** 63n - 1n),
  bool: (value) => /^(true|false)$/i.test(value),
  guid: (value) => GUID.test(value),
  alpha: (value) => /^[a-z]+$/i.test(value),
  datetime: (value) => !Number.isNaN(Date.parse(value)),
  decimal: (value) => DECIMAL.test(value),
  double: (value) => FLOAT.test(value) || /^(NaN|-?Infinity)$/.test(value),
  float: (value) => FLOAT.test(value) || /^(NaN|-?Infinity)$/.test(value),
  required: (value) => value.length > 0,
};

function numberArg(text: string | undefined, constraint: string): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n))
    throw new Error(`Route constraint '${constraint}' needs numeric arguments.`);
  return n;
}

/** Parses one constraint (`int`, `min(3)`, `regex(^a+$)`) into a predicate; unknown names throw. */
export function parseConstraint(text: string): RouteConstraint {
  const call = /^(\w+)\((.*)\)$/s.exec(text);
  const name = (call ? call[1]! : text).toLowerCase();
  const simple = SIMPLE[name];
  if (simple && !call) return simple;
  const args = call ? call[2]! : '';
  const nums = (): number[] => args.split(',').map((a) => numberArg(a, text));
  switch (name) {
    case 'min': {
      const [min] = nums();
      return (v) => INT.test(v) && Number(v) >= min!;
    }
    case 'max': {
      const [max] = nums();
      return (v) => INT.test(v) && Number(v) <= max!;
    }
    case 'range': {
      const [min, max] = nums();
      return (v) => INT.test(v) && Number(v) >= min! && Number(v) <= (max ?? Infinity);
    }
    case 'length': {
      const [a, b] = nums();
      return b === undefined ? (v) => v.length === a : (v) => v.length >= a! && v.length <= b;
    }
    case 'minlength': {
      const [min] = nums();
      return (v) => v.length >= min!;
    }
    case 'maxlength': {
      const [max] = nums();
      return (v) => v.length <= max!;
    }
    case 'regex': {
      const pattern = new RegExp(args, 'i');
      return (v) => pattern.test(v);
    }
    default:
      throw new Error(`Unknown route constraint '${text}'.`);
  }
}
