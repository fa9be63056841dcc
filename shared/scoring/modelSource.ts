/**
 * Where ONNX Runtime reads a model from. A file is opened from its own folder, so external data
 * resolves next to it; bytes have no folder (ONNX Runtime would resolve external data against the
 * process's working directory), so the app only ever loads models that way when they have none.
 */
import { readFileSync } from 'node:fs';
import { InferenceSession } from 'onnxruntime-node';

/** A model file on disk. */
export interface ModelFile {
  file: string;
}

export type ModelSource = Uint8Array | ModelFile;

/** `InferenceSession.create` for either source. */
export function createOrtSession(
  source: ModelSource,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  return source instanceof Uint8Array
    ? InferenceSession.create(source, options)
    : InferenceSession.create(source.file, options);
}

/** The model's bytes (read from disk for a file). */
export function bytesOf(source: ModelSource): Uint8Array {
  return source instanceof Uint8Array ? source : readFileSync(source.file);
}
