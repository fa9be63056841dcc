'use strict';
/**
 * `npm run package`: sibyl.zip, what Flex Consumption runs. host.json, package.json, the compiled
 * app (dist/functions, dist/orchestrations, dist/shared), the built dashboard (web/dist) and the
 * production dependencies only, read from package-lock.json (nothing marked dev), copied from
 * node_modules as they are: node_modules itself is never pruned or changed. ONNX Runtime's binaries
 * for other platforms than Flex's (linux/x64) stay out. Plain CommonJS so the test can load it.
 */
const fs = require('node:fs');
const path = require('node:path');
const yazl = require('yazl');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Flex Consumption runs Linux on x64. */
const TARGET = { platform: 'linux', arch: 'x64' };
const MAX_BYTES = 120 * 1024 * 1024;
/** Parts of dist/ the Function App loads; the emulator, CLI, scorer, bench and scripts are not deployed. */
const DIST_PARTS = ['dist/functions', 'dist/orchestrations', 'dist/shared', 'dist/package.json'];
const TOP_FILES = ['host.json', 'package.json'];
const DASHBOARD = 'web/dist';

/** node_modules paths of every production package in the lock (never `dev`), present on disk. */
function productionPackages(root = REPO_ROOT) {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  return (
    Object.entries(lock.packages)
      .filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev && !entry.link)
      // Optional packages for other platforms (native builds) are in the lock but not installed.
      .filter(([key]) => fs.existsSync(path.join(root, key)))
      .map(([key]) => key)
      .sort()
  );
}

/** Whether a file under node_modules belongs in the package: no other platform's ORT binary, no .bin links. */
function keepModuleFile(relative) {
  const ort = /(^|\/)onnxruntime-node\/bin\/napi-v\d+\/([^/]+)\/([^/]+)\//.exec(relative);
  if (ort && (ort[2] !== TARGET.platform || ort[3] !== TARGET.arch)) return false;
  return !/(^|\/)node_modules\/\.bin\//.test(relative);
}

function walk(root, relative, out) {
  const full = path.join(root, relative);
  const stat = fs.lstatSync(full);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) walk(root, path.posix.join(relative, name), out);
  } else if (stat.isFile()) {
    out.push(relative);
  }
}

/** Every file the package holds, relative to the repository root, in a stable order. */
function packageFiles(root = REPO_ROOT) {
  const missing = [...TOP_FILES, ...DIST_PARTS, DASHBOARD].filter((p) => !fs.existsSync(path.join(root, p)));
  if (missing.length) throw new Error(`Missing ${missing.join(', ')}: run \`npm run build\` first.`);
  const files = [];
  for (const part of [...TOP_FILES, ...DIST_PARTS, DASHBOARD]) walk(root, part, files);
  const packages = productionPackages(root);
  // Nested packages (a/node_modules/b) are walked with their parent; skip them as roots.
  const roots = packages.filter((p) => !packages.some((other) => other !== p && p.startsWith(`${other}/`)));
  for (const pkg of roots) {
    const inPackage = [];
    walk(root, pkg, inPackage);
    files.push(...inPackage.filter(keepModuleFile));
  }
  return files;
}

/** Writes the zip to `out` (default sibyl.zip at the repository root); resolves its path, size and file count. */
function writePackage({ root = REPO_ROOT, out = path.join(REPO_ROOT, 'sibyl.zip') } = {}) {
  const files = packageFiles(root);
  const zip = new yazl.ZipFile();
  // A fixed time, so an unchanged tree gives the same bytes.
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const file of files) {
    const full = path.join(root, file);
    const mode = fs.statSync(full).mode;
    zip.addFile(full, file, { mtime, mode, compress: !/\.(node|so(\.\d+)*|zip|gz|png|jpg)$/.test(file) });
  }
  zip.end();
  const temp = `${out}.partial`;
  return new Promise((resolve, reject) => {
    const stream = fs.createWriteStream(temp);
    zip.outputStream.pipe(stream).on('error', reject);
    stream.on('close', () => {
      fs.renameSync(temp, out);
      const bytes = fs.statSync(out).size;
      if (bytes >= MAX_BYTES)
        reject(new Error(`${out} is ${(bytes / 1048576).toFixed(1)} MB, over the ${MAX_BYTES / 1048576} MB limit.`));
      else resolve({ path: out, bytes, files: files.length });
    });
    stream.on('error', reject);
  });
}

module.exports = { MAX_BYTES, TARGET, productionPackages, packageFiles, writePackage };

if (require.main === module) {
  writePackage().then(
    (r) =>
      console.log(
        `[package] ${path.relative(process.cwd(), r.path) || r.path}: ${r.files} files, ${(r.bytes / 1048576).toFixed(1)} MB`,
      ),
    (error) => {
      console.error(`[package] ${error.message}`);
      process.exit(1);
    },
  );
}
