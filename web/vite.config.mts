/**
 * Builds the dashboard into `web/dist` (served by `functions/dashboard.ts`): `vite build web`.
 * Everything is bundled, so the page loads nothing from the internet. `npx vite web` serves it for
 * development, with `/api` proxied to a running `npm start` on port 7071.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs: the page works wherever the function app mounts it.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One flat folder of hashed files: the assets route serves a single path segment.
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:7071' },
  },
});
