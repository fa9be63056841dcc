/**
 * Multi-layer perceptron models with deterministic weights, for tests and benchmarks.
 * Input `features` FP32 `[-1, inputs]`; output `scores` (linear head) or `probabilities`
 * (softmax or sigmoid head) FP32 `[-1, outputs]`. Each layer is `Gemm(x, W[in, out], b[out])`,
 * hidden layers are followed by `Relu`.
 *
 * @example
 * const bytes = mlpModel({ ...MLP_SIZES.tiny, seed: 1 }); // 16 → 64 → 4
 */
import { attr, GraphBuilder } from './graphBuilder';
import { seededRandom, uniformArray } from './seededRandom';

export type MlpHead = 'scores' | 'softmax' | 'sigmoid';

export interface MlpSpec {
  inputs: number;
  hidden: readonly number[];
  outputs: number;
  /** PRNG seed for the weights; the same seed gives the same bytes. Default 1. */
  seed?: number;
  /** `scores` (default): raw Gemm output named `scores`; `softmax`/`sigmoid`: named `probabilities`. */
  head?: MlpHead;
}

/** The sizes benchmarks and tests refer to by name. */
export const MLP_SIZES = Object.freeze({
  tiny: { inputs: 16, hidden: [64], outputs: 4 },
  medium: { inputs: 256, hidden: [2048], outputs: 16 },
  heavy: { inputs: 512, hidden: [4096, 4096], outputs: 16 },
} satisfies Record<string, MlpSpec>);

/** One fully connected layer; `weights` is row-major `[inSize, outSize]`. */
export interface DenseLayer {
  inSize: number;
  outSize: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** The layers `mlpModel(spec)` bakes in, so a test can recompute the forward pass in plain JS. */
export function mlpLayers(spec: MlpSpec): DenseLayer[] {
  const next = seededRandom(spec.seed ?? 1);
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`Bad MLP sizes: ${sizes.join(' → ')}`);
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const inSize = sizes[i]!;
    const outSize = sizes[i + 1]!;
    // Glorot-uniform keeps activations in a sane range however wide the layers are.
    const weights = uniformArray(next, inSize * outSize, Math.sqrt(6 / (inSize + outSize)));
    const bias = uniformArray(next, outSize, 0.1);
    layers.push({ inSize, outSize, weights, bias });
  }
  return layers;
}

/**
 * Appends `layers` to `builder`, reading `input`; hidden layers get `Relu`. Returns the name of the
 * last layer's (pre-head) output.
 */
export function addDenseLayers(
  builder: GraphBuilder,
  layers: readonly DenseLayer[],
  input: string,
  prefix = 'dense',
): string {
  let current = input;
  layers.forEach((layer, i) => {
    const w = `${prefix}${i}_W`;
    const b = `${prefix}${i}_b`;
    const y = `${prefix}${i}_out`;
    builder.initializer(w, layer.weights, [layer.inSize, layer.outSize]);
    builder.initializer(b, layer.bias, [layer.outSize]);
    builder.node('Gemm', [current, w, b], [y]);
    current = y;
    if (i + 1 < layers.length) {
      builder.node('Relu', [y], [`${prefix}${i}_relu`]);
      current = `${prefix}${i}_relu`;
    }
  });
  return current;
}

/** The output name `mlpModel` uses for a head. */
export function mlpOutputName(head: MlpHead = 'scores'): 'scores' | 'probabilities' {
  return head === 'scores' ? 'scores' : 'probabilities';
}

/** Serialized MLP model; see the module comment for its signature. */
export function mlpModel(spec: MlpSpec): Uint8Array {
  const head = spec.head ?? 'scores';
  const out = mlpOutputName(head);
  const builder = new GraphBuilder('mlp').input('features', 'FP32', ['batch', spec.inputs]);
  const last = addDenseLayers(builder, mlpLayers(spec), 'features');
  if (head === 'scores') builder.node('Identity', [last], [out]);
  else if (head === 'softmax') builder.node('Softmax', [last], [out], { axis: attr.int(-1) });
  else builder.node('Sigmoid', [last], [out]);
  builder.output(out, 'FP32', ['batch', spec.outputs]);
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs].join('-');
  return builder.build({ docString: `MLP ${sizes}, ${head} head, seed ${spec.seed ?? 1}` });
}
