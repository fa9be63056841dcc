import { Type } from '@sinclair/typebox';
import { closest } from '../../../shared/api/suggest';
import { parseBodyText, parseJsonBody, parseParams, parseQuery, validatorFor } from '../../../shared/api/validate';
import * as S from '../../../shared/api/schemas';
import { refusalOf } from '../../support/refusal';

describe('parseJsonBody', () => {
  it('parses JSON, ignoring a byte-order mark', () => {
    expect(parseJsonBody('\uFEFF{"a": [1, 2]}')).toEqual({ a: [1, 2] });
  });

  it.each([undefined, null, '', '  \n'])('refuses an empty body (%p)', (text) => {
    const error = refusalOf(() => parseJsonBody(text, 'deployment'));
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toBe('The deployment is empty; send a JSON object with Content-Type: application/json.');
  });

  it.each([
    ['{"a":}', 'line 1, column 6', "Unexpected token '}' at line 1, column 6"],
    ['{\n  "a": 1\n  "b": 2\n}', 'line 3, column 3', "Expected ',' or '}' after property value at line 3, column 3"],
    ['{"a":1} x', 'line 1, column 9', 'Unexpected non-whitespace character after JSON at line 1, column 9'],
    ['{"a": 1,}', 'line 1, column 9', 'at line 1, column 9'],
    ['nope', 'line 1, column 2', "Unexpected token 'o' at line 1, column 2"],
  ])('says where %p broke', (text, target, message) => {
    const error = refusalOf(() => parseJsonBody(text));
    expect(error.status).toBe(400);
    expect(error.message).toContain('The request body is not valid JSON: ');
    expect(error.message).toContain(message);
    expect(error.details).toEqual([{ target, message: expect.stringContaining(message) }]);
  });

  it.each(['{"a": [1, 2', '{"a": "unterminated', '{'])('says when the JSON ends early (%p)', (text) => {
    const error = refusalOf(() => parseJsonBody(text));
    expect(error.message).toBe(
      'The request body is not valid JSON: the JSON ends early (an unclosed string, array or object?)',
    );
    expect(error.details?.[0]?.target).toBe('end of input');
  });

  it('never echoes a long body back in full', () => {
    const text = `{"data": [${'1,'.repeat(10000)}x]}`;
    expect(refusalOf(() => parseJsonBody(text)).message.length).toBeLessThan(200);
  });
});

describe('parseBodyText', () => {
  it('returns the typed value', () => {
    const spec = parseBodyText(S.DeploymentSpec, '{"model": "iris:1", "batching": {"maxBatchSize": 16}}', 'deployment');
    expect(spec.batching?.maxBatchSize).toBe(16);
  });

  it('reports JSON and schema problems alike as InvalidInput', () => {
    expect(refusalOf(() => parseBodyText(S.DeploymentSpec, '{"model": ', 'deployment')).code).toBe('InvalidInput');
    expect(refusalOf(() => parseBodyText(S.DeploymentSpec, '{"model": 1}', 'deployment')).message).toBe(
      'deployment is invalid: model must be a string, not 1',
    );
  });
});

describe('validatorFor', () => {
  it('compiles each schema once', () => {
    expect(validatorFor(S.DeploymentSpec)).toBe(validatorFor(S.DeploymentSpec));
  });
});

describe('parseQuery and parseParams', () => {
  it('converts numbers and ignores undeclared parameters such as the function key', () => {
    expect(parseQuery(S.EndpointMetricsQuery, new URLSearchParams('minutes=15&code=secret'))).toEqual({ minutes: 15 });
    expect(parseQuery(S.RunQuery, new URLSearchParams('experiment=nightly&status=Failed&top=5'))).toEqual({
      experiment: 'nightly',
      status: 'Failed',
      top: 5,
    });
    expect(parseQuery(S.RunQuery, new URLSearchParams(''))).toEqual({});
  });

  it('refuses values of the wrong type or range, naming the parameter', () => {
    const error = refusalOf(() => parseQuery(S.EndpointMetricsQuery, new URLSearchParams('minutes=abc')));
    expect(error.message).toBe("query string is invalid: minutes must be an integer, not 'abc'");
    expect(error.details).toEqual([{ target: 'minutes', message: "minutes must be an integer, not 'abc'" }]);
    expect(
      refusalOf(() => parseQuery(S.EndpointMetricsQuery, new URLSearchParams('minutes=0'))).details?.[0]?.message,
    ).toBe('minutes must be at least 1 (got 0)');
    expect(
      refusalOf(() => parseQuery(S.RunQuery, new URLSearchParams('status=failed'))).details?.[0]?.message,
    ).toContain("did you mean 'Failed'?");
  });

  it('parses JSON-valued parameters (tags) and refuses malformed ones', () => {
    expect(
      parseQuery(S.ModelUploadQuery, new URLSearchParams({ description: 'v1', tags: '{"team":"fraud"}' })),
    ).toEqual({
      description: 'v1',
      tags: { team: 'fraud' },
    });
    expect(refusalOf(() => parseQuery(S.ModelUploadQuery, new URLSearchParams({ tags: '{team' }))).details).toEqual([
      { target: 'tags', message: 'tags is not valid JSON' },
    ]);
    expect(
      refusalOf(() => parseQuery(S.ModelUploadQuery, new URLSearchParams({ tags: '{"n": 1}' }))).details?.[0],
    ).toEqual({
      target: 'tags.n',
      message: 'tags.n must be a string, not 1',
    });
  });

  it('reads booleans and repeated array parameters', () => {
    const schema = Type.Object({ flag: Type.Optional(Type.Boolean()), ids: Type.Optional(Type.Array(Type.String())) });
    expect(parseQuery(schema, new URLSearchParams('flag=true&ids=a&ids=b'))).toEqual({ flag: true, ids: ['a', 'b'] });
  });

  it('validates route parameters, converting versions to numbers', () => {
    expect(parseParams(S.ModelVersionParams, { name: 'iris', version: '3' })).toEqual({ name: 'iris', version: 3 });
    const error = refusalOf(() => parseParams(S.EndpointParams, { name: 'no_underscores' }));
    expect(error.message).toMatch(/^route is invalid: name 'no_underscores' is not valid: An endpoint name/);
    expect(
      refusalOf(() => parseParams(S.ModelVersionParams, { name: 'iris', version: 'latest' })).details?.[0]?.message,
    ).toBe("version must be an integer, not 'latest'");
  });
});

describe('closest', () => {
  it.each([
    ['maxBatchsize', ['maxBatchSize', 'maxQueueDelayMs'], 'maxBatchSize'],
    ['tarffic', ['traffic', 'authMode'], 'traffic'],
    ['maxRetry', ['maxRetries', 'timeoutSeconds'], 'maxRetries'],
    ['colour', ['traffic', 'authMode'], undefined],
    ['x', ['id'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});

describe('name and reference rules', () => {
  const ok = (schema: Parameters<typeof validatorFor>[0], value: string) => validatorFor(schema)(value);
  it.each([
    ['abc', true],
    ['a'.repeat(32), true],
    ['Iris-v2', true],
    ['ab', false],
    ['a'.repeat(33), false],
    ['1ab', false],
    ['ab-', false],
    ['a_b', false],
  ])('endpoint and deployment name %p → %p', (name, expected) => {
    expect(ok(S.EndpointName, name)).toBe(expected);
    expect(ok(S.DeploymentName, name)).toBe(expected);
  });

  it.each([
    ['iris:1', true],
    ['iris@latest', true],
    ['fraud.model_v2@production', true],
    ['iris', false],
    ['iris:0', false],
    ['iris:latest', false],
    ['iris@1x', false],
  ])('model reference %p → %p', (ref, expected) => expect(ok(S.ModelRef, ref)).toBe(expected));

  it('checks the other references and names', () => {
    expect(ok(S.EnvironmentRef, 'ort-cpu@1')).toBe(true);
    expect(ok(S.EnvironmentRef, 'ort-cpu:1')).toBe(false);
    expect(ok(S.PipelineRef, 'nightly:2')).toBe(true);
    expect(ok(S.PipelineRef, 'nightly@latest')).toBe(false);
    expect(ok(S.DeploymentRef, 'iris/blue')).toBe(true);
    expect(ok(S.DeploymentRef, 'iris')).toBe(false);
    expect(ok(S.DatastoreName, 'workspaceblobstore')).toBe(true);
    expect(ok(S.DatastoreName, 'my-store')).toBe(false);
  });
});
