import type { TSchema } from '@sinclair/typebox';
import { ROUTES } from '../../../shared/api/routes';
import * as S from '../../../shared/api/schemas';
import { parseBody } from '../../../shared/api/validate';
import type { SibylError } from '../../../shared/errors';
import { refusalOf } from '../../support/refusal';

/** The InvalidInput error `parseBody` throws for `value`. */
const failure = (schema: TSchema, value: unknown, what = 'body'): SibylError =>
  refusalOf(() => parseBody(schema, value, what));

const validatedRequests = ROUTES.filter((route) => route.request?.validatedBy === 'schema').map(
  (route) => [route.operationId, route.request!.schema] as const,
);

describe('request schemas accept their documented examples', () => {
  it('has a validated request schema for every JSON body route', () => {
    expect(validatedRequests.map(([id]) => id).sort()).toEqual(
      [
        'createEnvironmentVersion',
        'createOrUpdateDatastore',
        'createOrUpdateDeployment',
        'createOrUpdateEndpoint',
        'createOrUpdateMonitor',
        'createOrUpdatePipeline',
        'createOrUpdateSchedule',
        'regenerateEndpointKeys',
        'runPipeline',
        'setModelAlias',
        'submitBatchJob',
        'updateModelVersion',
        'updatePipelineVersion',
      ].sort(),
    );
  });

  it.each(validatedRequests)('%s', (_id, schema) => {
    const examples = (schema as { examples?: unknown[] }).examples ?? [];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(parseBody(schema, example, 'example')).toBe(example);
  });
});

const batchJob = {
  deployment: 'iris/blue',
  input: { datastore: 'workspaceblobstore', path: 'in/', format: 'csv' },
  output: { datastore: 'workspaceblobstore', path: 'out/' },
};
/** Valid specs with `fields` on top: rows that break one field of an otherwise good body. */
const deployment = (fields: object) => ({ model: 'iris:1', ...fields });
const endpoint = (fields: object) => ({ authMode: 'key', ...fields });
const schedule = (trigger: object, fields: object = {}) => ({ pipeline: 'nightly:1', trigger, ...fields });
const copyStep = (from: unknown, to: unknown = { datastore: 'workspaceblobstore', path: 'b/' }) => ({
  steps: [{ name: 'c', kind: 'copy', from, to }],
});

type Case = [label: string, schema: TSchema, value: unknown, target: string | undefined, message: string];
/** `[label, value, target, message]`: `value` is refused with a detail at `target` whose message holds `message`. */
type Refusal = [label: string, value: unknown, target: string | undefined, message: string];

/** One schema's rows, each labelled `<kind> <label>`. */
const refusals = (kind: string, schema: TSchema, rows: Refusal[]): Case[] =>
  rows.map(([label, ...rest]) => [`${kind} ${label}`, schema, ...rest]);

const cases: Case[] = [
  ...refusals('deployment', S.DeploymentSpec, [
    [
      'typo',
      deployment({ batching: { maxBatchsize: 8 } }),
      'batching.maxBatchsize',
      "unknown field 'maxBatchsize' in batching; did you mean 'maxBatchSize'?",
    ],
    [
      'wrong type',
      deployment({ requestTimeoutMs: '5000' }),
      'requestTimeoutMs',
      "requestTimeoutMs must be an integer, not '5000'",
    ],
    [
      'batch too big',
      deployment({ batching: { maxBatchSize: 5000 } }),
      'batching.maxBatchSize',
      'batching.maxBatchSize must be at most 1024 (got 5000)',
    ],
    [
      'queue delay',
      deployment({ batching: { maxQueueDelayMs: -1 } }),
      'batching.maxQueueDelayMs',
      'must be at least 0 (got -1)',
    ],
    ['model ref', { model: 'iris' }, 'model', "model 'iris' is not valid: A model reference: `name:version`"],
    [
      'environment ref',
      { model: 'iris@latest', environment: 'ort-cpu' },
      'environment',
      "environment 'ort-cpu' is not valid: An environment reference",
    ],
    ['instances', deployment({ instance: { maxInstances: 0 } }), 'instance.maxInstances', 'must be at least 1'],
    ['missing model', {}, 'model', 'model is required'],
    ['not an object', [], undefined, 'the body must be an object, not an array'],
  ]),
  ...refusals('endpoint', S.EndpointSpec, [
    [
      'enum',
      { authMode: 'Key' },
      'authMode',
      "authMode must be one of 'key', 'token', 'aad' (got 'Key'); did you mean 'key'?",
    ],
    ['typo', endpoint({ trafic: { blue: 100 } }), 'trafic', "did you mean 'traffic'?"],
    ['fraction', endpoint({ traffic: { blue: 99.5 } }), 'traffic.blue', 'traffic.blue must be an integer'],
    ['percent', endpoint({ traffic: { blue: 101 } }), 'traffic.blue', 'must be at most 100'],
    [
      'traffic key',
      endpoint({ traffic: { Blue_1: 100 } }),
      'traffic.Blue_1',
      "key 'Blue_1' in traffic is not valid: A deployment name",
    ],
    [
      'mirror key',
      endpoint({ mirrorTraffic: { 'x-': 10 } }),
      'mirrorTraffic["x-"]',
      "key 'x-' in mirrorTraffic is not valid",
    ],
  ]),
  ...refusals('environment', S.EnvironmentSpec, [
    [
      'empty providers',
      { executionProviders: [] },
      'executionProviders',
      'executionProviders must have at least 1 item',
    ],
    ['provider', { executionProviders: ['tpu'] }, 'executionProviders[0]', "must be one of 'cpu', 'cuda' (got 'tpu')"],
    ['repeated', { executionProviders: ['cpu', 'cpu'] }, 'executionProviders', 'must not repeat items'],
    [
      'level',
      { executionProviders: ['cpu'], graphOptimizationLevel: 'ALL' },
      'graphOptimizationLevel',
      "did you mean 'all'?",
    ],
    [
      'gpu',
      { executionProviders: ['cuda'], compute: { kind: 'gpu', gpu: 'V100' } },
      'compute.gpu',
      "must be one of 'T4', 'A100'",
    ],
    ['threads', { executionProviders: ['cpu'], intraOpNumThreads: -1 }, 'intraOpNumThreads', 'must be at least 0'],
  ]),
  ...refusals('patch', S.ModelVersionPatch, [
    ['tag value', { tags: { accuracy: 0.9 } }, 'tags.accuracy', 'tags.accuracy must be a string or null'],
    ['typo', { tag: {} }, 'tag', "unknown field 'tag'; did you mean 'tags'?"],
  ]),
  ...refusals('alias', S.SetAliasRequest, [
    ['version zero', { version: 0 }, 'version', 'version must be at least 1 (got 0)'],
    ['version string', { version: '2' }, 'version', "version must be an integer, not '2'"],
  ]),
  ...refusals('keys', S.RegenerateKeysRequest, [
    ['type', { keyType: 'tertiary' }, 'keyType', "must be one of 'primary', 'secondary'"],
  ]),
  ...refusals('datastore', S.DatastoreSpec, [
    [
      'container',
      { container: 'Bad_Container' },
      'container',
      "container 'Bad_Container' is not valid: A Blob container name",
    ],
    ['typo', { container: 'data', prefx: 'a/' }, 'prefx', "did you mean 'prefix'?"],
  ]),
  ...refusals('batch', S.BatchJobSpec, [
    ['neither', { ...batchJob, deployment: undefined }, undefined, "the body needs one of 'deployment' or 'model'"],
    [
      'both',
      { ...batchJob, model: 'iris:1' },
      undefined,
      "the body has 'deployment' and 'model'; give only one of them",
    ],
    ['format', { ...batchJob, input: { ...batchJob.input, format: 'csvv' } }, 'input.format', "did you mean 'csv'?"],
    ['mini-batch', { ...batchJob, miniBatchSize: { rows: 0 } }, 'miniBatchSize.rows', 'must be at least 1'],
    ['threshold', { ...batchJob, errorThreshold: -2 }, 'errorThreshold', 'must be at least -1'],
    ['retry typo', { ...batchJob, retry: { maxRetry: 3 } }, 'retry.maxRetry', "did you mean 'maxRetries'?"],
    ['output action', { ...batchJob, outputAction: 'append_rows' }, 'outputAction', "did you mean 'append_row'?"],
  ]),
  ...refusals('pipeline', S.PipelineSpec, [
    ['no steps', { steps: [] }, 'steps', 'steps must have at least 1 item'],
    [
      'step kind',
      { steps: [{ name: 's', kind: 'score' }] },
      'steps[0].kind',
      "steps[0].kind must be one of 'batch-score', 'copy', 'move' (got 'score')",
    ],
    ['step without kind', { steps: [{ name: 's' }] }, 'steps[0]', "steps[0] needs 'kind'"],
    [
      'parameter name',
      { parameters: { 'b c': 1 }, ...copyStep({ datastore: 'workspaceblobstore', path: 'a' }) },
      'parameters["b c"]',
      "key 'b c' in parameters is not valid",
    ],
    [
      'parameter value',
      { parameters: { a: null }, ...copyStep({ datastore: 'workspaceblobstore', path: 'a' }) },
      'parameters.a',
      'parameters.a must be a string, a number or true or false',
    ],
    [
      'step datastore',
      copyStep({ datastore: 'bad-name', path: 'a' }),
      'steps[0].from.datastore',
      'A datastore name: 1–255 characters, letters, digits and underscores only. (or hold a ${parameters.<name>} reference)',
    ],
    [
      'job in step',
      { steps: [{ name: 's', kind: 'batch-score', job: { ...batchJob, deployment: undefined } }] },
      'steps[0].job',
      "steps[0].job needs one of 'deployment' or 'model'",
    ],
    [
      'job typo',
      { steps: [{ name: 's', kind: 'batch-score', job: { ...batchJob, outputAction: 'summary' } }] },
      'steps[0].job.outputAction',
      "must be one of 'append_row', 'summary_only'",
    ],
  ]),
  ...refusals('schedule', S.ScheduleSpec, [
    [
      'no form',
      schedule({}),
      'trigger',
      'trigger must be one of: CronTrigger {cron, timeZone?, startTime?, endTime?} ' +
        'or DataChangeTrigger {datastore, pathPattern, parameterName?, pollingIntervalSeconds?}',
    ],
    ['typo', schedule({ cronn: '0 0 * * * *' }), 'trigger', 'trigger must be one of: CronTrigger'],
    [
      'mixed',
      schedule({ cron: '0 0 * * * *', datastore: 'workspaceblobstore' }),
      'trigger',
      'trigger mixes CronTrigger (cron) and DataChangeTrigger (datastore); give one form',
    ],
    ['cron type', schedule({ cron: 5 }), 'trigger.cron', 'trigger.cron must be a string, not 5'],
    ['cron extra', schedule({ cron: '0 0 * * * *', timezone: 'UTC' }), 'trigger.timezone', "did you mean 'timeZone'?"],
    [
      'polling',
      schedule({ datastore: 'workspaceblobstore', pathPattern: 'in/*.csv', pollingIntervalSeconds: 0 }),
      'trigger.pollingIntervalSeconds',
      'must be at least 1',
    ],
    [
      'pipeline ref',
      { pipeline: 'nightly', trigger: { cron: '0 0 * * * *' } },
      'pipeline',
      "pipeline 'nightly' is not valid: A published pipeline reference",
    ],
    [
      'enabled',
      schedule({ cron: '0 0 * * * *' }, { enabled: 'yes' }),
      'enabled',
      "enabled must be true or false, not 'yes'",
    ],
  ]),
  ...refusals('run', S.PipelineRunRequest, [
    ['parameters', { parameters: { a: [1] } }, 'parameters.a', 'must be a string, a number or true or false'],
  ]),
];

describe('request schemas refuse bad input with the field path and a sentence', () => {
  it.each(cases)('%s', (_label, schema, value, target, message) => {
    const error = failure(schema, value, 'thing');
    expect(error.code).toBe('InvalidInput');
    expect(error.status).toBe(400);
    expect(error.message.startsWith('thing is invalid: ')).toBe(true);
    const detail = error.details?.find((d) => d.target === target && d.message.includes(message));
    if (!detail) throw new Error(`no detail (${String(target)}, …${message}…) in ${JSON.stringify(error.details)}`);
  });

  it('puts the first problem in the message and counts the rest', () => {
    const error = failure(
      S.DeploymentSpec,
      { model: 'iris', batching: { maxBatchSize: 0, maxQueueDelayMs: 'x' } },
      'deployment',
    );
    expect(error.details).toHaveLength(3);
    expect(error.message).toBe(`deployment is invalid: ${error.details![0]!.message} (and 2 more problems)`);
  });

  it("resolves unions to one sentence instead of every branch's errors", () => {
    const error = failure(S.ScheduleSpec, schedule({ cron: 5 }));
    expect(error.details).toEqual([{ target: 'trigger.cron', message: 'trigger.cron must be a string, not 5' }]);
  });
});

describe('pipeline steps accept ${parameters.<name>} in any string', () => {
  it('accepts references where a plain value would be refused', () => {
    const spec = {
      parameters: { store: 'workspaceblobstore', fmt: 'csv' },
      steps: [
        {
          name: 'score',
          kind: 'batch-score',
          job: {
            ...batchJob,
            deployment: '${parameters.endpoint}/blue',
            input: { ...batchJob.input, datastore: '${parameters.store}', format: '${parameters.fmt}' },
            output: { ...batchJob.output, path: 'out/${parameters.day}/' },
          },
        },
        {
          name: 'archive',
          kind: 'move',
          from: { datastore: '${parameters.store}', path: '${parameters.inputPath}' },
          to: { datastore: 'workspaceblobstore', path: 'archive/' },
        },
      ],
    };
    expect(parseBody(S.PipelineSpec, spec, 'pipeline')).toBe(spec);
  });

  it('still refuses references outside pipeline steps', () => {
    expect(
      failure(S.BatchJobSpec, { ...batchJob, input: { ...batchJob.input, datastore: '${parameters.store}' } })
        .details?.[0]?.target,
    ).toBe('input.datastore');
  });
});
