/**
 * The monitoring dashboard (`web/`, built by `vite build web` into `web/dist`): `GET /` answers the
 * page, revalidated on every load (route `{page?}`: any other single segment answers the host's bare 404);
 * `GET /assets/{path}` answers its content-hashed files, cached for a year. Both are anonymous — the page holds
 * no data; it calls the API with the key the user enters.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { SibylError } from '../shared/errors';
import { registerRoute } from './http/registerRoute';

/** `web/dist` next to the app: `dist/functions/` when built, `functions/` under ts-jest. */
const CANDIDATES = [path.resolve(__dirname, '..', '..', 'web', 'dist'), path.resolve(__dirname, '..', 'web', 'dist')];
let webRootFound: string | undefined;

/** Looked up until found, so a dashboard built after the host started is served without a restart. */
function webRoot(): string | undefined {
  webRootFound ??= CANDIDATES.find((dir) => existsSync(path.join(dir, 'index.html')));
  return webRootFound;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names built files `name-<8 hash chars>.ext`: such a name never changes content. */
const HASHED = /-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/;
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/**
 * The page may run only its own bundled script and talk only to this origin; it is never framed.
 * Inline styles are allowed because the chart library sizes its canvas with them.
 */
const PAGE_SECURITY: Record<string, string> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface CachedFile {
  body: Buffer;
  etag: string;
}

const assetCache = new Map<string, CachedFile>();

async function load(file: string): Promise<CachedFile> {
  const body = await readFile(file);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function answer(request: HttpRequest, file: CachedFile, headers: Record<string, string>): HttpResponseInit {
  const all = { ...headers, etag: file.etag };
  if (request.headers.get('if-none-match') === file.etag) return { status: 304, headers: all };
  return { status: 200, body: file.body, headers: all };
}

/** The names the page answers to besides `/`. */
const PAGE_NAMES = new Set(['', 'index.html']);

registerRoute('dashboard', async (request) => {
  // `{page?}` also matches `/anything`: answer what the host answers for a path with no function.
  if (!PAGE_NAMES.has(request.params.page ?? '')) return { status: 404 };
  const root = webRoot();
  if (!root) {
    return {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'The dashboard has not been built. Run `npm run build` (or `npm run build:web`), then reload this page.\n',
    };
  }
  // Read on every request (it is small) so a rebuilt dashboard shows without restarting the host.
  const page = await load(path.join(root, 'index.html'));
  return answer(request, page, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    ...PAGE_SECURITY,
  });
});

registerRoute('dashboardAsset', async (request) => {
  const name = request.params.path ?? '';
  const notFound = () => new SibylError('NotFound', `The dashboard has no file '${name.slice(0, 255)}'.`);
  const root = webRoot();
  if (!root || !ASSET_NAME.test(name) || name.includes('..')) throw notFound();
  const hashed = HASHED.test(name);
  let file = hashed ? assetCache.get(name) : undefined;
  if (!file) {
    try {
      file = await load(path.join(root, 'assets', name));
    } catch {
      throw notFound();
    }
    if (hashed) assetCache.set(name, file);
  }
  const type = CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
  return answer(request, file, {
    'content-type': type,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
});
