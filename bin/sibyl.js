#!/usr/bin/env node
// The `sibyl` command (package.json "bin"). The CLI is TypeScript compiled to dist/; this shim is
// committed so `npx sibyl` resolves from a clone, and says what to do when dist has not been built.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`sibyl: the CLI is not built yet; run 'npm run build' (or 'npm start' once) in ${root}\n`);
  process.exit(2);
}
require(entry).run();
