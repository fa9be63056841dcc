/**
 * For tests of user-code replicas at the scorer level: code assets and model folders written straight
 * into Blob storage in the layout the registry uses, and a scorer replica started as the local compute
 * starts one (PORT=0, the port read from its "listening on port" line), its output kept for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CODE_CONTAINER, codeFolderPrefix, codeManifestPath } from '../../shared/compute/userRuntime';
import { modelFolderPrefix, modelManifestPath, MODELS_CONTAINER } from '../../shared/registry/modelBlobs';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'scorer', 'main.js');

/** Every file under `dir`, by its path relative to it (forward slashes). */
export function filesOf(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${entry}` : entry;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else files[rel] = readFileSync(path.join(dir, rel));
    }
  };
  walk('');
  return files;
}

async function uploadFolder(
  container: string,
  prefix: string,
  manifestPath: string,
  manifest: Record<string, unknown>,
  files: Record<string, Buffer | string>,
): Promise<void> {
  const client = BlobServiceClient.fromConnectionString(
    process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!,
  ).getContainerClient(container);
  await client.createIfNotExists();
  const stored = [];
  for (const [file, content] of Object.entries(files)) {
    const bytes = Buffer.from(content);
    await client.getBlockBlobClient(prefix + file).uploadData(bytes);
    stored.push({ path: file, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const text = JSON.stringify({ ...manifest, files: stored });
  await client.getBlockBlobClient(manifestPath).upload(text, Buffer.byteLength(text));
}

export function uploadCode(name: string, version: number, files: Record<string, Buffer | string>): Promise<void> {
  return uploadFolder(
    CODE_CONTAINER,
    codeFolderPrefix(name, version),
    codeManifestPath(name, version),
    { name, version },
    files,
  );
}

export function uploadModel(
  name: string,
  version: number,
  files: Record<string, Buffer | string>,
  modelFile?: string,
): Promise<void> {
  const manifest = { name, version, type: modelFile ? 'onnx' : 'custom', ...(modelFile ? { modelFile } : {}) };
  return uploadFolder(
    MODELS_CONTAINER,
    modelFolderPrefix(name, version),
    modelManifestPath(name, version),
    manifest,
    files,
  );
}

export interface Replica {
  child: ChildProcess;
  key: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves to the replica's port once it listens; rejects with its exit code and stderr if it exits first. */
  listening: Promise<number>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A scorer replica with `env` (user runtime, model, caches) over the test storage. */
export function startReplica(env: Record<string, string>): Replica {
  const key = randomBytes(18).toString('base64url');
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      SIBYL_SCORER_HOST: '127.0.0.1',
      SIBYL_SCORER_KEY: key,
      SIBYL_SCORER_EXECUTION_PROVIDERS: 'cpu',
      AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on port (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`The replica exited with code ${code}: ${err}`)));
  });
  listening.catch(() => undefined);
  return {
    child,
    key,
    stdout: () => out,
    stderr: () => err,
    listening,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
