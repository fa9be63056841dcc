/**
 * Error bodies. Control-plane and Azure ML scoring routes answer `{"error": {code, message, details?}}`;
 * Open Inference Protocol routes answer `{"error": "<message>"}` as that protocol requires.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ErrorInfo } from './common';

/** `{"error": {code, message, details?}}` — every non-2xx answer outside the OIP routes. */
export const ErrorBody = Type.Object(
  { error: ErrorInfo },
  {
    title: 'ErrorBody',
    description: 'The error answer of every non-OIP route.',
    examples: [
      {
        error: {
          code: 'InvalidInput',
          message: "deployment is invalid: unknown field 'maxBatchsize' in batching; did you mean 'maxBatchSize'?",
          details: [
            {
              target: 'batching.maxBatchsize',
              message: "unknown field 'maxBatchsize' in batching; did you mean 'maxBatchSize'?",
            },
          ],
        },
      },
    ],
  },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** `{"error": "<message>"}` — the Open Inference Protocol's error answer. */
export const OipError = Type.Object(
  { error: Type.String({ description: 'What went wrong.' }) },
  {
    title: 'OipError',
    description: 'The Open Inference Protocol error answer.',
    examples: [{ error: "input 'x' expects shape [-1,4], got [2,3]" }],
  },
);
export type OipError = Static<typeof OipError>;
