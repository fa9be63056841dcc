/**
 * What the Test tab offers for a deployment that runs user code (a scoring script, a scoring module or
 * a custom server): such a model has no ONNX signature to build a request from, and the body reaches
 * the user's code as written. So the tab offers a free body, starting from a sample in the shape
 * `examples/python-score` reads, and the OIP example from the server's own metadata when it serves one.
 */
import type { Deployment, TensorMetadata } from './api/types';

/** The sample score body: the rows `examples/python-score`'s run() reads (`{"data": [[...], ...]}`). */
export const USER_CODE_SAMPLE = {
  data: [
    [5.1, 3.5, 1.4, 0.2],
    [6.7, 3.0, 5.2, 2.3],
  ],
};

/** True when the deployment runs user code (it names a code asset). */
export function runsUserCode(deployment: Deployment): boolean {
  return deployment.code !== undefined;
}

/** The sentence above the body editor for a user-code deployment. */
export function userCodeNote(deployment: Deployment, oipInputs?: readonly TensorMetadata[]): string {
  const code = deployment.code;
  const script = code?.scoringScript ? `, scoring script ${code.scoringScript}` : '';
  const tensors = (oipInputs ?? []).map((t) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`);
  const metadata = tensors.length ? ` OIP example from the server's metadata: ${tensors.join('; ')}.` : '';
  return (
    `Deployment ${deployment.name} runs user code (code asset ${code?.code ?? '?'}${script}): ` +
    'the body reaches it as written and its answer comes back as it is. There is no model signature to build ' +
    'from: the sample has the shape examples/python-score reads; write what your code expects.' +
    metadata
  );
}

/** The content type of a body typed for user code: JSON when it parses, else text (the code reads it raw). */
export function userCodeContentType(body: string): string {
  try {
    JSON.parse(body);
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}
