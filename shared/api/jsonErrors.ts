/** Where a `JSON.parse` failure happened, in words: line, column and the text around it. */

export interface JsonErrorPlace {
  /** `line 3, column 14`, or `end of input`. */
  target: string;
  message: string;
}

const SEARCH_LIMIT = 1_000_000;

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** The offset V8 reports, `length` for "ran out of input", or undefined when it names none. */
function reportedOffset(text: string): number | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    if (/end of (JSON )?input/i.test(message)) return text.length;
    const position = /at position (\d+)/.exec(message);
    return position ? Number(position[1]) : -1;
  }
}

/** Finds the offending offset when V8 does not say it: the shortest prefix that fails before its end. */
function searchOffset(text: string): number | undefined {
  if (text.length > SEARCH_LIMIT) return undefined;
  const broken = (length: number) => {
    const offset = reportedOffset(text.slice(0, length));
    return offset !== undefined && offset < length;
  };
  let low = 1;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (broken(mid)) high = mid;
    else low = mid + 1;
  }
  return low - 1;
}

/**
 * Describes a `JSON.parse` failure of `text`: the reason (without V8's echo of the text) and the
 * line and column where it broke.
 */
export function describeJsonError(text: string, error: Error): JsonErrorPlace {
  const reason = error.message.split(/ in JSON| at position|, "/)[0]!.trim();
  let offset = reportedOffset(text);
  if (offset === -1) offset = searchOffset(text);
  if (offset === undefined || offset < 0) return { target: 'body', message: reason };
  if (offset >= text.length)
    return { target: 'end of input', message: 'the JSON ends early (an unclosed string, array or object?)' };
  const { line, column } = lineAndColumn(text, offset);
  const near = text.slice(Math.max(0, offset - 20), offset + 20).replace(/\s+/g, ' ');
  return {
    target: `line ${line}, column ${column}`,
    message: `${reason} at line ${line}, column ${column} (near \`${near}\`)`,
  };
}
