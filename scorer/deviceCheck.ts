/**
 * Which execution provider this scorer's sessions really get, checked once at start by opening a
 * one-node model on the configured providers. On the `gpu` compute kind (SIBYL_COMPUTE_KIND=gpu, set
 * by the scorer app's deployment) a replica whose CUDA provider did not load is not ready and says
 * why, so a silent CPU fallback never takes a GPU deployment's traffic.
 */
import { onnx } from 'onnx-proto';
import type { ScorerConfig } from '../shared/config';
import { openOrtSession, ortErrorMessage, type ExecutionProviderName } from '../shared/scoring/executionProviders';

/** One Identity node on a float tensor of one element: the smallest model a provider must take. */
function probeModel(): Uint8Array {
  const value: onnx.IValueInfoProto = {
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'device_check',
      input: [{ ...value, name: 'x' }],
      output: [{ ...value, name: 'y' }],
      node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export interface DeviceStatus {
  /** The provider sessions run on: the first one the check's session got. */
  executionProvider: ExecutionProviderName;
  ready: boolean;
  /** Why the replica is not ready. */
  reason?: string;
}

export async function checkDevice(
  config: Pick<ScorerConfig, 'executionProviders'>,
  computeKind: string | undefined,
): Promise<DeviceStatus> {
  const wantsGpu = computeKind === 'gpu';
  let opened;
  try {
    opened = await openOrtSession(probeModel(), {
      executionProviders: config.executionProviders,
    });
  } catch (error) {
    return {
      executionProvider: config.executionProviders[0] ?? 'cpu',
      ready: false,
      reason: `No ONNX Runtime session could be opened: ${ortErrorMessage(error)}`,
    };
  }
  await opened.session.release();
  const executionProvider = opened.executionProviders[0] ?? 'cpu';
  if (wantsGpu && executionProvider !== 'cuda') {
    const why =
      opened.warnings.join(' ') ||
      `SIBYL_SCORER_EXECUTION_PROVIDERS is '${config.executionProviders.join(',')}', without cuda.`;
    return {
      executionProvider,
      ready: false,
      reason: `A gpu deployment needs the CUDA execution provider, which is not active: ${why}`,
    };
  }
  return { executionProvider, ready: true };
}
