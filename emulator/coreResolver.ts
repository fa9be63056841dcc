/**
 * Makes `require('@azure/functions-core')` resolve to our stand-in. Must run before anything
 * requires `@azure/functions`: the library caches a failed lookup and drops into "test mode".
 */
import Module from 'node:module';
import * as path from 'node:path';

const CORE_REQUEST = '@azure/functions-core';
const CORE_FILE = path.join(__dirname, 'core', 'functionsCore.js');

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: ResolveFilename & { sibylPatched?: boolean } };

export function installCoreResolver(): void {
  const original = moduleWithResolver._resolveFilename;
  if (original.sibylPatched) return;
  const patched = function (
    this: unknown,
    request: string,
    parent: unknown,
    isMain: boolean,
    options: unknown,
  ): string {
    if (request === CORE_REQUEST) return CORE_FILE;
    return original.call(this, request, parent, isMain, options);
  } as ResolveFilename & { sibylPatched?: boolean };
  patched.sibylPatched = true;
  moduleWithResolver._resolveFilename = patched;
}
