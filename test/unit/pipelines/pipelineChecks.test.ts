import { checkParametersResolve, parsePipelineDefinition } from '../../../shared/pipelines/pipelineChecks';
import { placeholderValues, resolveStep } from '../../../shared/pipelines/stepResolution';
import { refusalOf } from '../../support/refusal';

const score = (name: string, path = '${parameters.inputPath}') => ({
  name,
  kind: 'batch-score',
  job: {
    model: 'iris:1',
    input: { datastore: 'workspaceblobstore', path, format: 'csv' },
    output: { datastore: 'workspaceblobstore', path: 'scored/${run.id}/' },
  },
});
const move = (name: string, from: string, to = 'archive/') => ({
  name,
  kind: 'move',
  from: { datastore: 'workspaceblobstore', path: from },
  to: { datastore: 'workspaceblobstore', path: to },
});

function reason(raw: unknown): string {
  const error = refusalOf(() => parsePipelineDefinition(raw));
  expect(error.status).toBe(400);
  return error.message;
}

describe('pipeline definitions', () => {
  it('accepts steps that use parameters and the outputs of earlier steps', () => {
    const definition = parsePipelineDefinition({
      parameters: { inputPath: 'in/a.csv' },
      steps: [
        score('score'),
        move('archive', '${parameters.inputPath}'),
        move('tidy', '${steps.score.outputs.path}', 'done/'),
      ],
    });
    expect(definition.steps.map((s) => s.name)).toEqual(['score', 'archive', 'tidy']);
    expect(definition.parameters).toEqual({ inputPath: 'in/a.csv' });
  });

  it('names an unknown step kind', () => {
    expect(reason({ steps: [{ name: 'x', kind: 'train' }] })).toMatch(
      /Step 'x' has an unknown kind "train"; a step's kind is one of batch-score, copy, move/,
    );
  });

  it('refuses two steps with one name', () => {
    expect(reason({ steps: [move('a', 'x'), move('a', 'y')] })).toMatch(/Two steps are named 'a'/);
  });

  it('reports a cycle between steps', () => {
    const raw = { steps: [move('a', '${steps.b.outputs.path}'), move('b', '${steps.a.outputs.path}')] };
    expect(reason(raw)).toMatch(/The steps form a cycle: a → b → a/);
    expect(reason({ steps: [move('self', '${steps.self.outputs.path}')] })).toMatch(/cycle: self → self/);
  });

  it('reports a forward reference that is not a cycle', () => {
    expect(reason({ steps: [move('a', '${steps.b.outputs.path}'), move('b', 'x')] })).toMatch(
      /uses step 'b', which runs after it/,
    );
  });

  it('refuses references to unknown steps, unknown outputs and unknown namespaces', () => {
    expect(reason({ steps: [move('a', '${steps.zzz.outputs.path}')] })).toMatch(/names no step of this pipeline/);
    expect(reason({ steps: [move('a', 'x'), move('b', '${steps.a.outputs.rowsScored}')] })).toMatch(
      /a move step has no output 'rowsScored' \(it has datastore, path, files\)/,
    );
    expect(reason({ steps: [move('a', '${env.HOME}')] })).toMatch(/is not a reference Sibyl knows/);
  });

  it('checks the schema of each step', () => {
    expect(reason({ steps: [{ name: 'a', kind: 'copy', from: { datastore: 'ws' } }] })).toMatch(/pipeline is invalid/);
    expect(reason({ steps: [] })).toMatch(/pipeline is invalid/);
  });

  it('lists every parameter that does not resolve (publish time)', () => {
    const definition = parsePipelineDefinition({
      parameters: { day: 'x' },
      steps: [move('a', '${parameters.inputPath}', '${parameters.dest}')],
    });
    expect(() => checkParametersResolve(definition)).toThrow(
      /\$\{parameters\.inputPath\} is not a parameter of this pipeline \(its parameters are day\)/,
    );
    expect(refusalOf(() => checkParametersResolve(definition)).details).toHaveLength(2);
  });

  it('resolves a step with placeholders for earlier outputs and checks the result against the plain schema', () => {
    const definition = parsePipelineDefinition({
      parameters: { inputPath: 'in/a.csv', fmt: 'xls' },
      steps: [score('score'), move('m', '${steps.score.outputs.path}')],
    });
    const resolved = resolveStep(definition.steps[1]!, placeholderValues(definition, 1), 1);
    expect(resolved).toEqual(
      expect.objectContaining({
        kind: 'move',
        from: { datastore: 'workspaceblobstore', path: 'steps.score.outputs.path' },
      }),
    );
    const bad = parsePipelineDefinition({
      parameters: { fmt: 'xls' },
      steps: [
        {
          ...score('s', 'in/'),
          job: {
            ...score('s').job,
            input: { datastore: 'workspaceblobstore', path: 'in/', format: '${parameters.fmt}' },
          },
        },
      ],
    });
    expect(() => resolveStep(bad.steps[0]!, placeholderValues(bad, 0), 0)).toThrow(/The job of step 's' is invalid/);
  });
});
