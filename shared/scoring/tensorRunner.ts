/**
 * What scoring needs of a model: its signature, a ready flag and `run`. A local `ModelSession`
 * is one; a model served by the scorer container (`container`/`gpu` compute) is another.
 */
import type { ModelSignature, NamedTensor } from './datatypes';

export interface TensorRunner {
  readonly signature: ModelSignature;
  readonly ready: boolean;
  /** `signal`: the caller gave up; a remote runner then drops the request (a local run cannot stop). */
  run(feeds: readonly NamedTensor[], outputNames?: readonly string[], signal?: AbortSignal): Promise<NamedTensor[]>;
  release(): Promise<void>;
}
