/**
 * A linear-time glob matcher: patterns compile to a small NFA that is run over the path one character at
 * a time, keeping the set of states alive. A check costs at most (path length × pattern states) steps,
 * whatever the pattern: no backtracking, so `a/*a*a*a*a*a*a*a*a.csv` against a long run of `a`s cannot
 * stall the event loop the way a backtracking regex does.
 *
 * @example
 *   const m = new GlobBuilder();
 *   m.literal('in/'); m.star(); m.literal('.csv');
 *   m.build().test('in/a.csv'); // true
 */

/** Tests one UTF-16 code unit. */
export type CharTest = (code: number) => boolean;

/** What a compiled pattern offers: the one method of `RegExp` that callers use. */
export interface GlobMatcher {
  test(path: string): boolean;
}

const SLASH = 0x2f;
/** Any character but `/`. */
export const NOT_SLASH: CharTest = (c) => c !== SLASH;
const ANY: CharTest = () => true;
const IS_SLASH: CharTest = (c) => c === SLASH;
/** An out edge not yet known: patched to whatever follows the piece being built. */
const LATER = -1;

/**
 * The test of a character class body (`abc`, `a-z0-9`), as POSIX globs read it: `x-y` is a range, a `-`
 * first or last is itself. Negated classes never match `/`.
 */
export function classTest(body: string, negated: boolean): CharTest {
  const singles = new Set<number>();
  const ranges: [number, number][] = [];
  for (let i = 0; i < body.length; i++) {
    const from = body.charCodeAt(i);
    if (body[i + 1] === '-' && i + 2 < body.length) {
      ranges.push([from, body.charCodeAt(i + 2)]);
      i += 2;
    } else singles.add(from);
  }
  const member = (c: number): boolean => singles.has(c) || ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return negated ? (c) => c !== SLASH && !member(c) : member;
}

/**
 * Builds the NFA piece by piece, in pattern order. Each node either tests one character (and has one
 * out edge) or is a split (a set of ε out edges). The accepting state is the index one past the last node.
 */
export class GlobBuilder {
  readonly #tests: (CharTest | null)[] = [];
  readonly #outs: number[][] = [];

  #add(test: CharTest | null, outs: number[]): number {
    this.#tests.push(test);
    this.#outs.push(outs);
    return this.#tests.length - 1;
  }

  #patch(from: number, to: number): void {
    for (let i = from; i < this.#outs.length; i++) this.#outs[i] = this.#outs[i]!.map((o) => (o === LATER ? to : o));
  }

  /** One character that passes `test`. */
  char(test: CharTest): void {
    const i = this.#add(test, []);
    this.#outs[i] = [i + 1];
  }

  /** Each character of `text` exactly. */
  literal(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      this.char((c) => c === code);
    }
  }

  /** Zero or more characters passing `test` (`*` is `star(NOT_SLASH)`, a crossing `**` is `star(ANY)`). */
  star(test: CharTest = NOT_SLASH): void {
    const split = this.#add(null, []);
    this.#add(test, [split]);
    this.#outs[split] = [split + 1, LATER];
    this.#patch(split, this.#tests.length);
  }

  /** Any characters, `/` included. */
  anything(): void {
    this.star(ANY);
  }

  /** `(?:.*\/)?`: nothing, or any characters ending with `/` (a leading `**\/`). */
  optionalFolders(): void {
    const start = this.#tests.length;
    const split = this.#add(null, []);
    const loop = this.#add(null, []);
    const any = this.#add(ANY, [loop]);
    const slash = this.#add(IS_SLASH, [LATER]);
    this.#outs[split] = [loop, LATER];
    this.#outs[loop] = [any, slash];
    this.#patch(start, this.#tests.length);
  }

  /** `(?:[^/]+/)*`: zero or more whole folders (a `**` segment). */
  folders(): void {
    const start = this.#tests.length;
    const split = this.#add(null, []);
    const first = this.#add(NOT_SLASH, []);
    const more = this.#add(null, []);
    const slash = this.#add(IS_SLASH, [split]);
    this.#outs[split] = [first, LATER];
    this.#outs[first] = [more];
    this.#outs[more] = [first, slash];
    this.#patch(start, this.#tests.length);
  }

  /** One of `options`, each literal (`{csv,jsonl}`). */
  oneOf(options: readonly string[]): void {
    const start = this.#tests.length;
    const split = this.#add(null, []);
    const heads: number[] = [];
    for (const option of options) {
      heads.push(this.#tests.length);
      this.literal(option);
      // The option's last character leads past the whole choice, not into the next option.
      const last = this.#tests.length - 1;
      if (option.length === 0) heads[heads.length - 1] = LATER;
      else this.#outs[last] = [LATER];
    }
    this.#outs[split] = heads;
    this.#patch(start, this.#tests.length);
  }

  build(): GlobMatcher {
    return new Nfa(
      this.#tests.slice(),
      this.#outs.map((o) => o.slice()),
    );
  }
}

class Nfa implements GlobMatcher {
  readonly #tests: readonly (CharTest | null)[];
  readonly #outs: readonly number[][];
  readonly #accept: number;
  /** Per state, the step at which it was last added: a set membership test without clearing. */
  readonly #seen: Int32Array;
  #step = 0;

  constructor(tests: (CharTest | null)[], outs: number[][]) {
    this.#tests = tests;
    this.#outs = outs;
    this.#accept = tests.length;
    this.#seen = new Int32Array(tests.length + 1);
  }

  /** Adds `state` and every state ε-reachable from it to `into`. */
  #close(state: number, into: number[]): void {
    const stack = [state];
    while (stack.length) {
      const s = stack.pop()!;
      if (this.#seen[s] === this.#step) continue;
      this.#seen[s] = this.#step;
      if (s === this.#accept || this.#tests[s] !== null) into.push(s);
      else for (const o of this.#outs[s]!) stack.push(o);
    }
  }

  test(path: string): boolean {
    this.#seen.fill(0);
    this.#step = 1;
    let current: number[] = [];
    this.#close(0, current);
    for (let i = 0; i < path.length && current.length; i++) {
      const code = path.charCodeAt(i);
      this.#step++;
      const next: number[] = [];
      for (const s of current) {
        if (s !== this.#accept && this.#tests[s]!(code)) this.#close(this.#outs[s]![0]!, next);
      }
      current = next;
    }
    return current.includes(this.#accept);
  }
}
