/**
 * `npm run package` writes a deployment package Flex Consumption can run and that fits its limits:
 * under 120 MB, production dependencies only, ONNX Runtime for linux/x64 alone, and every module the
 * app requires inside it. Under test/infra because zipping ~85 MB takes tens of seconds.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { MAX_BYTES, writePackage } from '../../scripts/package/appPackage.cjs';

const ROOT = path.resolve(__dirname, '..', '..');
const ZIP_TIMEOUT_MS = 5 * 60 * 1000;

let entries: Map<string, string | undefined>;
let bytes: number;

/** Entry names of the zip, with the text of the app's own .js files (for the require check). */
function readZip(file: string): Promise<Map<string, string | undefined>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, string | undefined>();
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!/^dist\/.*\.js$/.test(entry.fileName)) {
          found.set(entry.fileName, undefined);
          return zip.readEntry();
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(found));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  const built = ['dist/functions', 'dist/shared', 'web/dist'].every((p) => fs.existsSync(path.join(ROOT, p)));
  if (!built) throw new Error('Run `npm run build` before this test: it packages the built app.');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sibyl-package-')), 'sibyl.zip');
  const result = await writePackage({ out });
  bytes = result.bytes;
  entries = await readZip(out);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}, ZIP_TIMEOUT_MS);

describe('npm run package', () => {
  it('stays under 120 MB', () => {
    expect(MAX_BYTES).toBe(120 * 1024 * 1024);
    expect(bytes).toBeLessThan(MAX_BYTES);
  });

  it('holds host.json, package.json, the compiled app and the built dashboard', () => {
    for (const name of ['host.json', 'package.json', 'web/dist/index.html']) expect(entries.has(name)).toBe(true);
    expect([...entries.keys()].filter((n) => /^dist\/functions\/[^/]+\.js$/.test(n)).length).toBeGreaterThan(3);
    expect([...entries.keys()].some((n) => n.startsWith('dist/orchestrations/'))).toBe(true);
    // Development tooling is not deployed.
    expect([...entries.keys()].filter((n) => /^dist\/(emulator|bench|cli|scripts)\//.test(n))).toEqual([]);
  });

  it('leaves out every dev dependency', () => {
    const top = new Set(
      [...entries.keys()].map((n) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(n)?.[1]).filter(Boolean),
    );
    for (const dev of [
      'azurite',
      '@vercel/cosmosdb-server',
      'jest',
      'typescript',
      'vite',
      'eslint',
      'ts-jest',
      'playwright-core',
      'yazl',
    ]) {
      expect({ dev, packaged: top.has(dev) }).toEqual({ dev, packaged: false });
    }
    for (const prod of ['@azure/functions', 'durable-functions', 'onnxruntime-node', '@azure/arm-appcontainers']) {
      expect({ prod, packaged: top.has(prod) }).toEqual({ prod, packaged: true });
    }
  });

  it('carries ONNX Runtime for linux/x64 only', () => {
    const platforms = new Set(
      [...entries.keys()].map((n) => /onnxruntime-node\/bin\/napi-v\d+\/([^/]+\/[^/]+)\//.exec(n)?.[1]).filter(Boolean),
    );
    expect([...platforms]).toEqual(['linux/x64']);
    expect(
      [...entries.keys()].some((n) =>
        /onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/onnxruntime_binding\.node$/.test(n),
      ),
    ).toBe(true);
  });

  it('resolves every module the packaged app requires inside the package', () => {
    const names = new Set(entries.keys());
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const unresolved: string[] = [];
    for (const [file, text] of entries) {
      if (text === undefined) continue;
      for (const [, spec] of text.matchAll(/require\("([^"]+)"\)/g)) {
        if (!spec || builtins.has(spec) || spec === '@azure/functions-core') continue;
        if (spec.startsWith('.')) {
          const base = path.posix.join(path.posix.dirname(file), spec);
          if (![base, `${base}.js`, `${base}.json`, `${base}/index.js`].some((c) => names.has(c)))
            unresolved.push(`${file}: ${spec}`);
        } else {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!names.has(`node_modules/${pkg}/package.json`)) unresolved.push(`${file}: ${spec}`);
        }
      }
    }
    expect(unresolved).toEqual([]);
  });
});
