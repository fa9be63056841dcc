/**
 * Open Inference Protocol v2 (KServe/Triton REST) bodies. `{model}` is the endpoint name and
 * `{version}` the deployment name. Infer bodies are decoded by `shared/scoring/codecs/oipCodec.ts`;
 * these schemas document them. Field names are the protocol's (snake_case) and must not change.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DeploymentName, EndpointName } from './common';
import { Datatype, TensorMetadata } from './models';

const OipParameters = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
  description: 'Protocol parameters.',
});
const TensorData = Type.Array(Type.Unknown(), {
  description: 'Row-major data, flat or nested; INT64/UINT64 beyond 2^53 as strings; BYTES as strings.',
});

const InferInput = Type.Object(
  {
    name: Type.String(),
    shape: Type.Array(Type.Integer({ minimum: 0 })),
    datatype: Datatype,
    parameters: Type.Optional(OipParameters),
    data: TensorData,
  },
  { description: 'An input tensor.' },
);

/** `POST api/v2/models/{model}[/versions/{version}]/infer`. */
export const InferRequest = Type.Object(
  {
    id: Type.Optional(Type.String()),
    parameters: Type.Optional(OipParameters),
    inputs: Type.Array(InferInput, { minItems: 1 }),
    outputs: Type.Optional(
      Type.Array(Type.Object({ name: Type.String(), parameters: Type.Optional(OipParameters) }), {
        description: 'Outputs to return; all when left out.',
      }),
    ),
  },
  {
    title: 'InferRequest',
    description: 'An Open Inference Protocol infer request.',
    examples: [
      {
        id: '42',
        inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
        outputs: [{ name: 'label' }],
      },
    ],
  },
);
export type InferRequest = Static<typeof InferRequest>;

/** The infer answer. */
export const InferResponse = Type.Object(
  {
    model_name: Type.String(),
    model_version: Type.Optional(Type.String()),
    id: Type.String(),
    parameters: Type.Optional(OipParameters),
    outputs: Type.Array(
      Type.Object({
        name: Type.String(),
        shape: Type.Array(Type.Integer({ minimum: 0 })),
        datatype: Datatype,
        parameters: Type.Optional(OipParameters),
        data: TensorData,
      }),
    ),
  },
  {
    title: 'InferResponse',
    description: 'An Open Inference Protocol infer answer.',
    examples: [
      {
        model_name: 'iris',
        model_version: 'blue',
        id: '42',
        outputs: [{ name: 'label', shape: [1], datatype: 'INT64', data: [0] }],
      },
    ],
  },
);
export type InferResponse = Static<typeof InferResponse>;

/** `GET api/v2`. */
export const ServerMetadata = Type.Object(
  { name: Type.String(), version: Type.String(), extensions: Type.Array(Type.String()) },
  {
    title: 'ServerMetadata',
    description: 'Server metadata.',
    examples: [{ name: 'sibyl', version: '0.1.0', extensions: [] }],
  },
);
export type ServerMetadata = Static<typeof ServerMetadata>;

/** `GET api/v2/models/{model}[/versions/{version}]`. */
export const ModelMetadata = Type.Object(
  {
    name: Type.String(),
    versions: Type.Optional(Type.Array(Type.String(), { description: 'Deployment names of the endpoint.' })),
    platform: Type.String({ description: '`onnxruntime_onnx`.' }),
    inputs: Type.Array(TensorMetadata),
    outputs: Type.Array(TensorMetadata),
  },
  {
    title: 'ModelMetadata',
    description: 'Model metadata; `-1` marks a dynamic dimension.',
    examples: [
      {
        name: 'iris',
        versions: ['blue'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
      },
    ],
  },
);
export type ModelMetadata = Static<typeof ModelMetadata>;

/** `GET api/v2/models/{model}[/versions/{version}]/ready`. */
export const ModelReady = Type.Object(
  { name: Type.String(), ready: Type.Boolean() },
  {
    title: 'ModelReady',
    description: 'Whether the model (deployment) can serve.',
    examples: [{ name: 'iris', ready: true }],
  },
);
export type ModelReady = Static<typeof ModelReady>;

export const OipModelParams = Type.Object({ model: EndpointName });
export const OipModelVersionParams = Type.Object({ model: EndpointName, version: DeploymentName });
