import { referencesIn, stringsOf, substitute } from '../../../shared/pipelines/templateReferences';

const values = {
  parameters: { day: '2024-06-01', rows: 500, strict: true },
  steps: { score: { path: 'out/predictions.csv', datastore: 'ws' } },
  runId: 'run-7',
};

describe('pipeline references', () => {
  it('finds parameter, step and run references anywhere in a string', () => {
    expect(referencesIn('in/${parameters.day}/${steps.score.outputs.path}-${run.id}', 'x').map((r) => r.kind)).toEqual([
      'parameter',
      'step',
      'run',
    ]);
    expect(referencesIn('no references, just $ and {braces}', 'x')).toEqual([]);
  });

  it('substitutes every string of a nested value, writing numbers and booleans as text', () => {
    const step = {
      input: { path: 'in/${parameters.day}.csv', tags: ['${parameters.rows}', '${parameters.strict}'] },
      n: 3,
      out: 'scored/${run.id}/',
      from: '${steps.score.outputs.path}',
    };
    expect(substitute(step, values)).toEqual({
      input: { path: 'in/2024-06-01.csv', tags: ['500', 'true'] },
      n: 3,
      out: 'scored/run-7/',
      from: 'out/predictions.csv',
    });
  });

  it('keeps $${ as a literal ${', () => {
    expect(substitute('cost $${parameters.day} is ${parameters.day}', values)).toBe(
      'cost ${parameters.day} is 2024-06-01',
    );
    expect(referencesIn('$${parameters.nope}', 'x')).toEqual([]);
  });

  it('refuses unknown and unclosed references, naming where they are', () => {
    expect(() => referencesIn('${param.day}', "Step 'a' steps[0].from.path")).toThrow(
      /Step 'a' steps\[0\]\.from\.path: '\$\{param\.day\}' is not a reference/,
    );
    expect(() => referencesIn('${steps.a.path}', 'w')).toThrow(/not a reference/);
    expect(() => referencesIn('in/${parameters.day', 'w')).toThrow(/never closed/);
  });

  it('refuses a reference with no value in the run', () => {
    expect(() => substitute({ p: '${parameters.missing}' }, values)).toThrow(/\$\{parameters\.missing\} has no value/);
  });

  it('lists every string with its field path', () => {
    expect(stringsOf({ a: { b: ['x', 1, { c: 'y' }] } }, 'steps[0]')).toEqual([
      { path: 'steps[0].a.b[0]', text: 'x' },
      { path: 'steps[0].a.b[2].c', text: 'y' },
    ]);
  });
});
