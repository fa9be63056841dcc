#!/usr/bin/env node
// `npm start`: installs what is missing, builds, creates local.settings.json, then runs the
// emulator in this process (so Ctrl-C reaches it directly).
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

// A taken port stops `npm start` before it installs, builds or starts anything (the host checks again).
const settingsFile = join(root, 'local.settings.json');
const localPort = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')).Values?.SIBYL_PORT : undefined;
const port = Number(process.env.SIBYL_PORT || localPort || 7071);
if (port > 0) {
  const free = await new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    console.error(`Could not start: Port ${port} is already in use (another Sibyl or Functions host?). Stop it, or set SIBYL_PORT to a free port, e.g. SIBYL_PORT=${port + 1} npm start.`);
    process.exit(1);
  }
}

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
