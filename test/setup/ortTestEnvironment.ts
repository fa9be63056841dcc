/**
 * Jest's node environment gives each test file its own realm, but shares only `ArrayBuffer` and
 * `Uint8Array` with Node's. onnxruntime-node's native binding builds output tensors from typed arrays
 * of Node's realm and hands them to the `Tensor` class of the test's realm, whose
 * `instanceof Float32Array` check then fails ("A float32 tensor's data must be type of …").
 * Sharing every typed array constructor (as Jest already does for Uint8Array) fixes that.
 * Plain Node (the app itself) has one realm and never needs this.
 *
 * Use per file with the docblock `@jest-environment ./test/setup/ortTestEnvironment.ts`,
 * or for every file with `testEnvironment` in jest.config.js.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
  'DataView',
] as const;

export default class OrtTestEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const outer = globalThis as Record<string, unknown>;
    const inner = this.global as Record<string, unknown>;
    for (const name of SHARED) if (name in outer) inner[name] = outer[name];
  }
}
