/**
 * A model whose session runs in a worker thread of its own. onnxruntime-node runs `session.run` on the
 * calling thread, so a model that takes milliseconds per batch stalls everything else that thread does
 * for as long: reading the next requests, answering the ones scored, health probes. In a thread of its
 * own, its runs overlap the HTTP around them. For costly models only (`workerPlan.ts` decides): a cheap
 * model's run costs less than the two messages. Tensors cross as copies (a request's tensors may be
 * views of buffers the caller still owns).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SibylError, type ErrorCode, type ErrorDetail } from '../shared/errors';
import type { ModelVersionDoc } from '../shared/registry/modelDocuments';
import type { ModelSignature, NamedTensor } from '../shared/scoring/datatypes';
import type { ExecutionProviderName } from '../shared/scoring/executionProviders';
import { ModelRunError, SessionClosedError, type ModelSessionOptions } from '../shared/scoring/modelSession';
import type { ModelSource } from '../shared/scoring/modelSource';
import type { CrossedError, FromModelThread, ToModelThread } from './modelThreadProtocol';

const THREAD_FILE = path.join(__dirname, 'modelThread.js');

/** The error the thread raised, raised again here with the same code (so the same status). */
function raised(error: CrossedError): Error {
  if (error.name === 'ModelRunError') return new ModelRunError(error.message);
  if (error.code) {
    const again = new SibylError(error.code as ErrorCode, error.message, error.details as ErrorDetail[] | undefined);
    again.name = error.name;
    return again;
  }
  return new Error(error.message);
}

interface Pending {
  resolve: (outputs: NamedTensor[]) => void;
  reject: (error: unknown) => void;
}

export class ThreadedModel {
  readonly #thread: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #closing: Promise<void> | undefined;
  #exited: Promise<void>;

  private constructor(
    thread: Worker,
    readonly signature: ModelSignature,
    readonly executionProviders: readonly ExecutionProviderName[],
    /** ONNX Runtime's and the warm-up's (see `warmUp`). */
    readonly warnings: readonly string[],
  ) {
    this.#thread = thread;
    thread.on('message', (message: FromModelThread) => {
      if (message.kind !== 'ran' && message.kind !== 'refused') return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.kind === 'ran') pending?.resolve(message.outputs);
      else pending?.reject(raised(message.error));
    });
    this.#exited = new Promise((resolve) => thread.once('exit', () => resolve()));
    void this.#exited.then(() => {
      // Whatever was still asked of it will not be answered.
      const gone = new SibylError('ServiceUnavailable', "The model's thread stopped.");
      for (const pending of this.#pending.values()) pending.reject(gone);
      this.#pending.clear();
      this.#closing ??= Promise.resolve();
    });
  }

  /** Opens and warms the model in a new thread; rejects with what went wrong there (the thread is gone then). */
  static load(
    source: ModelSource,
    options: ModelSessionOptions,
    version: Pick<ModelVersionDoc, 'inputExample' | 'columns'>,
  ): Promise<ThreadedModel> {
    const thread = new Worker(THREAD_FILE);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      thread.once('error', onError);
      thread.once('message', (message: FromModelThread) => {
        thread.off('error', onError);
        if (message.kind === 'loaded') {
          resolve(new ThreadedModel(thread, message.signature, message.executionProviders, message.warnings));
          return;
        }
        void thread.terminate();
        reject(message.kind === 'failed' ? raised(message.error) : new Error('The model thread did not load.'));
      });
      thread.postMessage({ kind: 'load', source, options, version } satisfies ToModelThread);
    });
  }

  /** Loaded and not released. */
  get ready(): boolean {
    return this.#closing === undefined;
  }

  run(feeds: readonly NamedTensor[]): Promise<NamedTensor[]> {
    if (this.#closing) return Promise.reject(new SessionClosedError());
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#thread.postMessage({ kind: 'run', id, feeds } satisfies ToModelThread);
    });
  }

  /** Refuses new runs; the thread finishes those it has, frees the session and ends. Idempotent. */
  release(): Promise<void> {
    this.#closing ??= (async () => {
      this.#thread.postMessage({ kind: 'release' } satisfies ToModelThread);
      await this.#exited;
    })();
    return this.#closing;
  }
}
