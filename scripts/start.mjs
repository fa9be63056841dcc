#!/usr/bin/env node
// `npm start`: installs what is missing, builds, creates local.settings.json, then runs the
// emulator in this process (so Ctrl-C reaches it directly).
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || mtime(join(root, 'package-lock.json')) > mtime(installed)) {
  console.log('Installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
console.log('Building…');
run('npm run build --silent');
if (!existsSync(join(root, 'local.settings.json'))) {
  copyFileSync(join(root, 'local.settings.example.json'), join(root, 'local.settings.json'));
  console.log('Created local.settings.json from local.settings.example.json.');
}
process.chdir(root);
createRequire(import.meta.url)(join(root, 'dist', 'scripts', 'startSibyl.js'));
