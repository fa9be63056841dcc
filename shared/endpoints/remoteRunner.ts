/** A model served by the deployment's scorer app, behind the same `TensorRunner` face as a local session. */
import type { ScorerClientSettings } from '../config';
import type { ModelSignature, NamedTensor } from '../scoring/datatypes';
import type { TensorRunner } from '../scoring/tensorRunner';
import { remoteInfer, remoteSignature, type RemoteModel } from './scorerClient';

export class RemoteRunner implements TensorRunner {
  private constructor(
    private readonly settings: ScorerClientSettings,
    private readonly model: RemoteModel,
    readonly signature: ModelSignature,
  ) {}

  /** Asks the scorer to load and warm the model (deployment creation waits for it). */
  static async connect(settings: ScorerClientSettings, model: RemoteModel): Promise<RemoteRunner> {
    return new RemoteRunner(settings, model, await remoteSignature(settings, model));
  }

  get ready(): boolean {
    return true;
  }

  async run(
    feeds: readonly NamedTensor[],
    outputNames?: readonly string[],
    signal?: AbortSignal,
  ): Promise<NamedTensor[]> {
    const outputs = await remoteInfer(this.settings, this.model, [...feeds], signal);
    return outputNames ? outputs.filter((o) => outputNames.includes(o.name)) : outputs;
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
