/**
 * Azure ML style scoring (`POST api/endpoints/{name}/score`). The body is free-form JSON in one of the
 * documented forms; it is decoded and checked by the scoring codecs against the model signature, so
 * these schemas only document it (they are not used to validate requests).
 */
import { Type, type Static } from '@sinclair/typebox';

const anyJson = Type.Unknown();
const rows = Type.Array(anyJson, { description: 'Rows (nested arrays, one per row).' });

/** The accepted score body forms. */
export const ScoreRequest = Type.Union(
  [
    Type.Object(
      {
        input_data: Type.Union([
          Type.Object(
            { columns: Type.Array(Type.String()), index: Type.Optional(Type.Array(anyJson)), data: rows },
            { description: 'Pandas split orientation: `{"columns", "index"?, "data"}`.' },
          ),
          Type.Record(Type.String(), anyJson, { description: 'Named inputs: `{"<inputName>": nested-array, …}`.' }),
          Type.Array(anyJson, { description: 'One tensor for a single-input model.' }),
        ]),
      },
      { description: 'Azure ML `input_data` forms.' },
    ),
    Type.Object({ data: rows }, { description: '`{"data": [[…]]}` for a single-input model.' }),
    Type.Object({ dataframe_split: Type.Record(Type.String(), anyJson) }, { description: 'MLflow `dataframe_split`.' }),
    Type.Object(
      { dataframe_records: Type.Array(Type.Record(Type.String(), anyJson)) },
      { description: 'MLflow `dataframe_records`: one object per row.' },
    ),
    Type.Object(
      { instances: Type.Array(anyJson) },
      { description: 'TF Serving style `instances`: one entry per row.' },
    ),
    Type.Object(
      { inputs: Type.Union([Type.Record(Type.String(), anyJson), Type.Array(anyJson)]) },
      { description: 'TF Serving style `inputs`: named columns.' },
    ),
  ],
  {
    title: 'ScoreRequest',
    description: 'A scoring request in one of the documented forms; inputs are checked against the model signature.',
    examples: [
      {
        input_data: {
          columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
          index: [0],
          data: [[5.1, 3.5, 1.4, 0.2]],
        },
      },
      { input_data: { input: [[5.1, 3.5, 1.4, 0.2]] } },
      { data: [[5.1, 3.5, 1.4, 0.2]] },
    ],
  },
);
export type ScoreRequest = Static<typeof ScoreRequest>;

/** Per-row predictions for a single-output model, else an object keyed by output name. */
export const ScoreResponse = Type.Union([Type.Array(anyJson), Type.Record(Type.String(), Type.Array(anyJson))], {
  title: 'ScoreResponse',
  description: 'A JSON array of per-row predictions for a single-output model, else an object keyed by output name.',
  examples: [
    [0, 2],
    {
      label: [0, 2],
      probabilities: [
        [0.9, 0.05, 0.05],
        [0.1, 0.1, 0.8],
      ],
    },
  ],
});
export type ScoreResponse = Static<typeof ScoreResponse>;
