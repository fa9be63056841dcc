/** The messages between a scorer's model thread (`modelThread.ts`) and its owner (`threadedModel.ts`). */
import type { ModelVersionDoc } from '../shared/registry/modelDocuments';
import type { ModelSignature, NamedTensor } from '../shared/scoring/datatypes';
import type { ExecutionProviderName } from '../shared/scoring/executionProviders';
import type { ModelSessionOptions } from '../shared/scoring/modelSession';
import type { ModelSource } from '../shared/scoring/modelSource';

export type ToModelThread =
  | {
      kind: 'load';
      source: ModelSource;
      options: ModelSessionOptions;
      /** What the warm-up reads of the version (its input example). */
      version: Pick<ModelVersionDoc, 'inputExample' | 'columns'>;
    }
  | { kind: 'run'; id: number; feeds: readonly NamedTensor[] }
  | { kind: 'release' };

/** An error as it crosses: enough to raise the same `SibylError` (same code, so the same status) again. */
export interface CrossedError {
  name: string;
  message: string;
  /** A `SibylError`'s code. */
  code?: string;
  details?: unknown;
}

export type FromModelThread =
  | {
      kind: 'loaded';
      signature: ModelSignature;
      executionProviders: ExecutionProviderName[];
      warnings: string[];
    }
  | { kind: 'failed'; error: CrossedError }
  | { kind: 'ran'; id: number; outputs: NamedTensor[] }
  | { kind: 'refused'; id: number; error: CrossedError };
