/**
 * The six fields of an NCRONTAB expression (`second minute hour day month day-of-week`) read into sets of
 * allowed values: `*`, lists, ranges, steps, month and day names, with a message naming the field and the
 * reason for anything else. Apart from `ncrontab.ts` because it is the grammar of one field only; finding
 * occurrences from the sets is `cronSchedule.ts`'s job.
 *
 * @example parseCronFields(text, ['0', '30', '9', '*', '*', 'Mon-Fri'])[5] // [false, true × 5, false, false]
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES },
];

/**
 * The allowed values of each of the six `fields` (`allowed[v]` for value v; Sunday is both 0 and 7);
 * throws an Error quoting `text` when a field is invalid.
 */
export function parseCronFields(text: string, fields: readonly string[]): boolean[][] {
  return fields.map((field, i) => parseField(text, field, SPECS[i]!));
}

function parseField(text: string, field: string, spec: FieldSpec): boolean[] {
  const fail = (why: string): never => {
    throw new Error(`Invalid schedule '${text}': ${spec.name} field '${field}': ${why}.`);
  };
  const allowed: boolean[] = new Array<boolean>(spec.max + 1).fill(false);
  const top = spec.name === 'day-of-week' ? 6 : spec.max; // 7 is only an alias of Sunday
  for (const item of field.split(',')) {
    if (item === '') fail('empty list item');
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) fail(`'${item}' has more than one '/'`);
    const by =
      step === undefined
        ? 1
        : /^\d+$/.test(step) && Number(step) > 0
          ? Number(step)
          : fail(`step '${step}' must be a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [spec.min, top];
    else {
      const [a = '', b, more] = range.split('-');
      if (more !== undefined) fail(`'${range}' is not a range`);
      from = parseValue(a, spec, fail);
      to = b === undefined ? (step === undefined ? from : top) : parseValue(b, spec, fail);
      if (spec.name === 'day-of-week' && b !== undefined && to === 0 && from > 0) to = 7; // Fri-Sun
      if (to < from) fail(`range ${a}-${b ?? ''} runs backwards`);
    }
    for (let v = from; v <= to; v += by) allowed[v] = true;
  }
  if (spec.name === 'day-of-week' && allowed[7]) allowed[0] = true;
  return allowed;
}

function parseValue(token: string, spec: FieldSpec, fail: (why: string) => never): number {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) fail(`${value} is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  const lower = token.toLowerCase();
  const index = lower.length >= 3 ? (spec.names?.findIndex((n) => n === lower || n.slice(0, 3) === lower) ?? -1) : -1;
  if (index >= 0) return spec.name === 'month' ? index + 1 : index;
  const hint = /^[?LW#]$|#/.test(token) ? ' (NCRONTAB has no ?, L, W or #)' : '';
  return fail(`'${token}' is not a number${spec.names ? ' or a known name' : ''}${hint}`);
}
