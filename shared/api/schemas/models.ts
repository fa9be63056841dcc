/**
 * Model registry bodies: `ModelVersion`, `Model`, the version patch, the alias body and the upload
 * query. Datatype names are the Open Inference Protocol's; a dynamic dimension is `-1`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { OIP_DATATYPES, type OipDatatype } from '../../scoring/datatypes';
import { MODEL_TYPES } from '../../registry/modelTypes';
import {
  AliasName,
  AssetName,
  Tags,
  Timestamp,
  VersionNumber,
  closedObject,
  listOf,
  namedRecord,
  stringEnum,
} from './common';

/** An OIP tensor datatype name (`FP32`, `INT64`, `BOOL`, `BYTES`, …). */
export const Datatype = stringEnum(OIP_DATATYPES as readonly OipDatatype[], {
  description: 'An Open Inference Protocol datatype name.',
});

/** One input or output of a model: name, datatype and shape (`-1` = dynamic). */
export const TensorMetadata = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    datatype: Datatype,
    shape: Type.Array(Type.Integer({ minimum: -1 }), { description: 'Dimensions; `-1` marks a dynamic dimension.' }),
  },
  {
    title: 'TensorMetadata',
    description: 'A tensor of a model signature.',
    examples: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
  },
);
export type TensorMetadata = Static<typeof TensorMetadata>;

/** Inputs and outputs, read from the ONNX graph when the version is registered. */
export const ModelSignatureSchema = Type.Object(
  { inputs: Type.Array(TensorMetadata), outputs: Type.Array(TensorMetadata) },
  { title: 'ModelSignature', description: 'The inputs and outputs of a model version.' },
);

const modelVersionExample = {
  name: 'iris',
  version: 1,
  description: 'Logistic regression on the iris data set.',
  tags: { team: 'demo' },
  sizeBytes: 1234,
  sha256: 'a'.repeat(64),
  createdAt: '2024-06-01T12:00:00.000Z',
  signature: {
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }],
  },
};

/** A registered model version. */
export const ModelVersion = Type.Object(
  {
    name: AssetName,
    version: VersionNumber,
    description: Type.String(),
    tags: Tags,
    sizeBytes: Type.Integer({ minimum: 0, description: 'Size of the `.onnx` file in bytes.' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the `.onnx` file, lower-case hex.' }),
    createdAt: Timestamp,
    signature: ModelSignatureSchema,
    type: Type.Optional(
      stringEnum(MODEL_TYPES, { description: 'onnx, mlflow or custom (files for a scoring script).' }),
    ),
    files: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          sizeBytes: Type.Integer({ minimum: 0 }),
          sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
        }),
        { description: 'Every file of the version with its SHA-256, verified whenever the model is loaded.' },
      ),
    ),
    modelFile: Type.Optional(Type.String({ description: 'The ONNX file served, inside the folder.' })),
    flavors: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'MLflow flavors, as the MLmodel file names them.' }),
    ),
    mlflowSignature: Type.Optional(
      Type.Unknown({ description: 'The MLflow signature (tensor- or column-based), checked against the graph.' }),
    ),
    columns: Type.Optional(
      Type.Array(Type.String(), { description: 'Column names of a column-based MLflow signature, in order.' }),
    ),
    inputExample: Type.Optional(
      Type.Unknown({ description: 'A scoring body the model accepts; deployments warm up with it.' }),
    ),
  },
  { title: 'ModelVersion', description: 'A registered version of a model.', examples: [modelVersionExample] },
);
export type ModelVersion = Static<typeof ModelVersion>;

/** A model: its versions share a name. */
export const Model = Type.Object(
  {
    name: AssetName,
    latestVersion: VersionNumber,
    aliases: namedRecord(AliasName, VersionNumber, {
      description: 'Alias → version; `latest` is always present.',
      examples: [{ latest: 2, production: 1 }],
    }),
    description: Type.Optional(Type.String({ description: "The latest version's description." })),
    tags: Type.Optional(Tags),
    createdAt: Type.Optional(Timestamp),
    updatedAt: Type.Optional(Timestamp),
  },
  {
    title: 'Model',
    description: 'A registered model with its latest version and aliases.',
    examples: [{ name: 'iris', latestVersion: 2, aliases: { latest: 2, production: 1 } }],
  },
);
export type Model = Static<typeof Model>;

export const ModelList = listOf(Model, 'ModelList');
export type ModelList = Static<typeof ModelList>;
export const ModelVersionList = listOf(ModelVersion, 'ModelVersionList');
export type ModelVersionList = Static<typeof ModelVersionList>;

/** `PATCH api/models/{name}/versions/{version}`: JSON merge patch of description and tags. */
export const ModelVersionPatch = closedObject(
  'ModelVersionPatch',
  {
    description: Type.Optional(Type.String({ maxLength: 4096, description: 'The new description.' })),
    tags: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]), {
        propertyNames: { type: 'string', minLength: 1, maxLength: 128, description: 'A tag name: 1–128 characters.' },
        description: 'Tags to set; a `null` value removes that tag (JSON merge patch).',
      }),
    ),
  },
  {
    description: "Changes to a model version's description and tags.",
    examples: [{ description: 'Retrained on June data.', tags: { stage: 'production', candidate: null } }],
  },
);
export type ModelVersionPatch = Static<typeof ModelVersionPatch>;

/** `PUT api/models/{name}/aliases/{alias}`. */
export const SetAliasRequest = closedObject(
  'SetAliasRequest',
  { version: VersionNumber },
  {
    description: 'Points an alias at a version.',
    examples: [{ version: 2 }],
  },
);
export type SetAliasRequest = Static<typeof SetAliasRequest>;

/** Query of `POST api/models/{name}/versions` (the body is the `.onnx` file). */
export const ModelUploadQuery = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 4096, description: 'A description of the version.' })),
    tags: Type.Optional(Tags),
    type: Type.Optional(
      stringEnum(MODEL_TYPES, {
        description: 'What the upload is; detected when absent (MLmodel → mlflow, one top-level .onnx → onnx).',
      }),
    ),
  },
  { title: 'ModelUploadQuery', description: 'Query parameters of a model upload; `tags` is a JSON object.' },
);
export type ModelUploadQuery = Static<typeof ModelUploadQuery>;

/** Path parameters of the model routes. */
export const ModelParams = Type.Object({ name: AssetName });
export const ModelVersionParams = Type.Object({ name: AssetName, version: VersionNumber });
export const ModelAliasParams = Type.Object({ name: AssetName, alias: AliasName });

/** `POST api/models/{name}/versions` with `application/json`: registers a staged upload. */
export const StagedRegistration = closedObject(
  'StagedRegistration',
  {
    upload: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The id `POST api/models/{name}/uploads` answered.',
    }),
    type: Type.Optional(stringEnum(MODEL_TYPES, { description: 'What the upload is; detected when absent.' })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    tags: Type.Optional(Tags),
  },
  {
    description: 'Registers the files of a staged upload.',
    examples: [{ upload: '3f2b…', type: 'onnx' }],
  },
);
export type StagedRegistration = Static<typeof StagedRegistration>;

/** The answer of `POST api/models/{name}/uploads`. */
export const StagedUpload = Type.Object(
  {
    id: Type.String(),
    uploadUrl: Type.String({ description: 'The staging container URL with a short-lived, write-only SAS.' }),
    container: Type.String(),
    prefix: Type.String({ description: 'Upload each file to `{container}/{prefix}{path}`.' }),
    expiresOn: Timestamp,
    maxRequestBytes: Type.Integer({ description: 'The largest body a direct upload may send.' }),
  },
  { title: 'StagedUpload', description: 'Where to upload the files of a model too large for one request.' },
);
export type StagedUpload = Static<typeof StagedUpload>;
