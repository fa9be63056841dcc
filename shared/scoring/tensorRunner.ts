/**
 * What scoring needs of a model: its signature, a ready flag and `run`. A local `ModelSession`
 * is one; a model served by the scorer container (`container`/`gpu` compute) is another.
 */
import type { ModelSignature, NamedTensor } from './datatypes';

export interface TensorRunner {
  readonly signature: ModelSignature;
  readonly ready: boolean;
  run(feeds: readonly NamedTensor[], outputNames?: readonly string[]): Promise<NamedTensor[]>;
  release(): Promise<void>;
}
