/**
 * The demo model: a daily horoscope. Nonsense by design, but a real ONNX model with stable answers.
 *
 * Input `features` FP32 `[-1, 6]`, one row per person and day, columns in this order:
 *
 * | # | feature | range |
 * |---|---|---|
 * | 0 | birth month | 1–12 |
 * | 1 | birth day of month | 1–31 |
 * | 2 | birth year offset: birth year − 1900 (1990 → 90) | 0–150 |
 * | 3 | today's month | 1–12 |
 * | 4 | today's day of month | 1–31 |
 * | 5 | today's day of week, 0 = Sunday … 6 = Saturday | 0–6 |
 *
 * Output `probabilities` FP32 `[-1, 4]`: independent chances (0–1, sigmoid, they do not sum to 1) of a
 * good day for `love`, `work`, `money`, `health`, in that order.
 *
 * Graph: (features − center) · (1/halfRange) → Gemm(6→16) → Relu → Gemm(16→4) → Sigmoid, weights
 * from seed 2098 (picked because its answers spread around 0.5 for every outcome).
 *
 * @example
 * // born 14 March 1990, asked on Friday 24 May 2024
 * // features [[3, 14, 90, 5, 24, 5]] → probabilities [[love, work, money, health]]
 */
import { GraphBuilder } from './graphBuilder';
import { addDenseLayers, mlpLayers, type DenseLayer } from './mlpModel';

/** Column names of `features`, in order. */
export const HOROSCOPE_FEATURES = Object.freeze([
  'birthMonth',
  'birthDay',
  'birthYearOffset',
  'todayMonth',
  'todayDay',
  'dayOfWeek',
] as const);

/** Names of the four `probabilities`, in order. */
export const HOROSCOPE_OUTCOMES = Object.freeze(['love', 'work', 'money', 'health'] as const);

/** Middle of each feature's range; subtracted first so every column lands near [-1, 1]. */
export const HOROSCOPE_FEATURE_CENTER = Object.freeze([6.5, 16, 75, 6.5, 16, 3]);
/** Half of each feature's range; the centered features are multiplied by its inverse. */
export const HOROSCOPE_FEATURE_HALF_RANGE = Object.freeze([5.5, 15, 75, 5.5, 15, 3]);

const SEED = 2098;
const HIDDEN = 16;
/** Stretches the random weights so answers spread over (0, 1) instead of hugging 0.5. */
const WEIGHT_GAIN = 2;

/** The layers baked into the horoscope model (exported so tests can recompute its answers). */
export function horoscopeLayers(): DenseLayer[] {
  return mlpLayers({ inputs: 6, hidden: [HIDDEN], outputs: 4, seed: SEED }).map((layer) => ({
    ...layer,
    weights: layer.weights.map((w) => w * WEIGHT_GAIN),
  }));
}

/** Serialized horoscope model; see the module comment for inputs and outputs. */
export function horoscopeModel(): Uint8Array {
  const builder = new GraphBuilder('horoscope')
    .input('features', 'FP32', ['batch', HOROSCOPE_FEATURES.length])
    .initializer('feature_center', new Float32Array(HOROSCOPE_FEATURE_CENTER), [6])
    .initializer('feature_inverse_half_range', new Float32Array(HOROSCOPE_FEATURE_HALF_RANGE.map((h) => 1 / h)), [6])
    .node('Sub', ['features', 'feature_center'], ['centered'])
    .node('Mul', ['centered', 'feature_inverse_half_range'], ['scaled']);
  const logits = addDenseLayers(builder, horoscopeLayers(), 'scaled');
  return builder
    .node('Sigmoid', [logits], ['probabilities'])
    .output('probabilities', 'FP32', ['batch', HOROSCOPE_OUTCOMES.length])
    .build({
      docString:
        'Sibyl demo horoscope. features: ' +
        HOROSCOPE_FEATURES.join(', ') +
        '. probabilities: ' +
        HOROSCOPE_OUTCOMES.join(', ') +
        '.',
      metadata: { features: HOROSCOPE_FEATURES.join(','), outcomes: HOROSCOPE_OUTCOMES.join(',') },
    });
}
