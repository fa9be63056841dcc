/**
 * What the Test tab offers a deployment that runs user code, without a browser: which deployments
 * count as user code, the sentence above the body, and the content type a typed body is sent with.
 */
import type { Deployment, TensorMetadata } from '../../../web/src/api/types';
import { runsUserCode, USER_CODE_SAMPLE, userCodeContentType, userCodeNote } from '../../../web/src/userCodeRequest';

const python: Deployment = {
  name: 'blue',
  endpoint: 'iris',
  model: 'weights:1',
  environment: 'python-3.11@1',
  code: { code: 'iris-score:1', scoringScript: 'score.py' },
};
const custom: Deployment = { ...python, environment: 'byo@1', code: { code: 'byo:2' } };
const onnx: Deployment = { name: 'green', endpoint: 'iris', model: 'iris:1', environment: 'ort-cpu@1' };

describe('the Test tab for user code', () => {
  it('counts a deployment with a code asset as user code, an ONNX one not', () => {
    expect(runsUserCode(python)).toBe(true);
    expect(runsUserCode(custom)).toBe(true);
    expect(runsUserCode(onnx)).toBe(false);
  });

  it('names the code asset, the scoring script when there is one, and the OIP inputs a server described', () => {
    expect(userCodeNote(python)).toMatch(
      /^Deployment blue runs user code \(code asset iris-score:1, scoring script score\.py\): /,
    );
    expect(userCodeNote(custom)).toMatch(/\(code asset byo:2\): /);
    expect(userCodeNote(custom)).not.toMatch(/metadata/);
    const inputs: TensorMetadata[] = [{ name: 'x', datatype: 'FP32', shape: [-1] }];
    expect(userCodeNote(custom, inputs)).toMatch(/OIP example from the server's metadata: x FP32 \[-1\]\.$/);
  });

  it('sends JSON as JSON and anything else as text', () => {
    expect(userCodeContentType(JSON.stringify(USER_CODE_SAMPLE))).toBe('application/json');
    expect(userCodeContentType(' "a string" ')).toBe('application/json');
    expect(userCodeContentType('hello')).toBe('text/plain; charset=utf-8');
    expect(userCodeContentType('')).toBe('text/plain; charset=utf-8');
  });
});
