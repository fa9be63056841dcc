#!/usr/bin/env node
// `npm start`: installs what is missing, builds what changed, creates local.settings.json, then runs
// the emulator in this process (so Ctrl-C reaches it directly). With nothing changed it only checks:
// tsc runs only when a source file is newer than its last build, and then incrementally (its build
// info lives in dist/, so deleting dist/ rebuilds it all); the dashboard is rebuilt only when a file
// under web/ is newer than its last build.
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });
const node = (script, args) =>
  execFileSync(process.execPath, [join(root, 'node_modules', ...script), ...args], { cwd: root, stdio: 'inherit' });
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

// A taken port stops `npm start` before it installs, builds or starts anything (the host checks again).
const settingsFile = join(root, 'local.settings.json');
const localPort = existsSync(settingsFile)
  ? JSON.parse(readFileSync(settingsFile, 'utf8')).Values?.SIBYL_PORT
  : undefined;
const port = Number(process.env.SIBYL_PORT || localPort || 7071);
if (port > 0) {
  const free = await new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    console.error(
      `Could not start: Port ${port} is already in use (another Sibyl or Functions host?). ` +
        `Stop it, or set SIBYL_PORT to a free port, e.g. SIBYL_PORT=${port + 1} npm start.`,
    );
    process.exit(1);
  }
}

/** The newest modification time of the files under `dir`, skipping the folders named in `skip`. */
function newest(dir, skip) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full, skip) : statSync(full).mtimeMs);
  }
  return latest;
}

const installed = join(root, 'node_modules', '.package-lock.json');
// A linked node_modules (a git worktree sharing another checkout's) is that checkout's to install:
// npm ci would empty the folder the link points at.
const linked = existsSync(join(root, 'node_modules')) && lstatSync(join(root, 'node_modules')).isSymbolicLink();
if (!linked && (!existsSync(installed) || mtime(join(root, 'package-lock.json')) > mtime(installed))) {
  console.log('Installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
const started = Date.now();
const appStamp = join(root, 'dist', '.built');
// The folders tsconfig.json includes, and what else changes the output.
const appSources = ['functions', 'orchestrations', 'shared', 'emulator', 'scorer', 'cli', 'bench', 'scripts'].map(
  (dir) => newest(join(root, dir), new Set(['node_modules'])),
);
if (Math.max(...appSources, mtime(join(root, 'tsconfig.json')), mtime(installed)) > mtime(appStamp)) {
  console.log('Building the app…');
  node(
    ['typescript', 'bin', 'tsc'],
    ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', join('dist', '.tsbuildinfo')],
  );
  writeFileSync(appStamp, new Date().toISOString());
}
const webStamp = join(root, 'web', 'dist', '.built');
if (
  newest(join(root, 'web'), new Set(['dist', 'node_modules'])) > mtime(webStamp) ||
  mtime(installed) > mtime(webStamp)
) {
  console.log('Building the dashboard…');
  node(['typescript', 'bin', 'tsc'], ['-p', join('web', 'tsconfig.json')]);
  node(['vite', 'bin', 'vite.js'], ['build', 'web', '--logLevel', 'warn']);
  writeFileSync(webStamp, new Date().toISOString());
}
console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
if (!existsSync(join(root, 'local.settings.json'))) {
  copyFileSync(join(root, 'local.settings.example.json'), join(root, 'local.settings.json'));
  console.log('Created local.settings.json from local.settings.example.json.');
}
process.chdir(root);
createRequire(import.meta.url)(join(root, 'dist', 'scripts', 'startSibyl.js'));
