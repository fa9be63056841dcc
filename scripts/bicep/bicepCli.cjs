'use strict';
/**
 * The Bicep CLI for Sibyl's checks: found on PATH, or restored from NuGet with the .NET SDK
 * (package Azure.Bicep.CommandLine.<rid>, which carries the `bicep` binary), then used offline to
 * build, lint and snapshot infra/. Shared by scripts/bicep/testInfra.mjs and test/infra (plain
 * CommonJS so both can load it without a build; types in bicepCli.d.cts).
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The Bicep CLI version restored from NuGet (a `bicep` on PATH is used as it is). */
const BICEP_VERSION = '0.49.2';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INFRA_DIR = path.join(REPO_ROOT, 'infra');
/** Placeholder scope for `bicep snapshot`: the template is evaluated as if deployed here. */
const SNAPSHOT_SCOPE = {
  tenantId: '00000000-0000-0000-0000-00000000000a',
  subscriptionId: '00000000-0000-0000-0000-00000000000b',
  resourceGroup: 'rg-sibyl',
  location: 'swedencentral',
  deploymentName: 'sibyl',
};
const COMMAND_TIMEOUT_MS = 5 * 60 * 1000;

class BicepError extends Error {
  constructor(message, diagnostics = []) {
    super(message);
    this.name = 'BicepError';
    this.diagnostics = diagnostics;
  }
}

function cacheDir() {
  return process.env.SIBYL_BICEP_CACHE || path.join(os.homedir(), '.cache', 'sibyl', 'bicep');
}

/** The environment for child processes, without SIBYL_* so a developer's secrets never reach a compiled file. */
function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('SIBYL_') && value !== undefined) env[key] = value;
  }
  return {
    ...env,
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
    ...extra,
  };
}

function run(command, args, { cwd = REPO_ROOT, env = childEnv(), timeoutMs = COMMAND_TIMEOUT_MS } = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new BicepError(`'${command}' was not found.`) : error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (signal)
        reject(new BicepError(`${path.basename(command)} ${args.join(' ')} was stopped (${signal}) after ${ms} ms.`));
      else resolve({ code: code ?? 1, stdout, stderr, ms });
    });
  });
}

/** NuGet runtime id of this machine, as the Bicep CLI packages are named. */
function runtimeId() {
  const os_ = { linux: 'linux', darwin: 'osx', win32: 'win' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!os_ || !arch)
    throw new BicepError(
      `No Bicep CLI package for ${process.platform}-${process.arch}; put 'bicep' on PATH or set SIBYL_BICEP_PATH.`,
    );
  return `${os_}-${arch}`;
}

function executableName() {
  return process.platform === 'win32' ? 'bicep.exe' : 'bicep';
}

function onPath() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, executableName());
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function restoredPath() {
  const id = `azure.bicep.commandline.${runtimeId()}`;
  return path.join(cacheDir(), 'packages', id, BICEP_VERSION, 'tools', executableName());
}

async function restoreFromNuGet(log) {
  let sdk;
  try {
    sdk = await run('dotnet', ['--version']);
  } catch (error) {
    throw new BicepError(
      "The Bicep CLI is not on PATH and the .NET SDK ('dotnet') is missing to restore it from NuGet: " +
        `install either, or set SIBYL_BICEP_PATH. (${error.message})`,
    );
  }
  const major = /^(\d+)\./.exec(sdk.stdout.trim())?.[1];
  if (sdk.code !== 0 || !major) throw new BicepError(`'dotnet --version' failed: ${sdk.stderr || sdk.stdout}`);
  // A project per restore (a NuGet mutex guards the shared package folder), so parallel test
  // workers never write the same project file.
  fs.mkdirSync(cacheDir(), { recursive: true });
  const projectDir = fs.mkdtempSync(path.join(cacheDir(), 'restore-'));
  const project = path.join(projectDir, 'bicep-cli.csproj');
  fs.writeFileSync(
    project,
    [
      '<Project Sdk="Microsoft.NET.Sdk">',
      `  <PropertyGroup><TargetFramework>net${major}.0</TargetFramework></PropertyGroup>`,
      `  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.${runtimeId()}" Version="[${BICEP_VERSION}]" /></ItemGroup>`,
      '</Project>',
      '',
    ].join('\n'),
  );
  log(`restoring Azure.Bicep.CommandLine.${runtimeId()} ${BICEP_VERSION} from NuGet (dotnet ${sdk.stdout.trim()})...`);
  try {
    const restore = await run(
      'dotnet',
      ['restore', project, '--packages', path.join(cacheDir(), 'packages'), '--verbosity', 'quiet'],
      { cwd: projectDir },
    );
    if (restore.code !== 0)
      throw new BicepError(
        `dotnet restore of the Bicep CLI failed (exit ${restore.code}):\n${restore.stdout}${restore.stderr}`,
      );
    log(`restored in ${(restore.ms / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(projectDir, { recursive: true, force: true });
  }
  const binary = restoredPath();
  if (!fs.existsSync(binary)) throw new BicepError(`NuGet restore finished but ${binary} is missing.`);
  fs.chmodSync(binary, 0o755);
  return binary;
}

let found;

/**
 * The Bicep CLI to use: SIBYL_BICEP_PATH, else `bicep` on PATH, else the restored package, else a
 * fresh NuGet restore into the cache (SIBYL_BICEP_CACHE, default ~/.cache/sibyl/bicep).
 */
function findBicep({ log = () => undefined } = {}) {
  found ??= (async () => {
    const started = Date.now();
    let binary = process.env.SIBYL_BICEP_PATH;
    let source = 'SIBYL_BICEP_PATH';
    if (binary && !fs.existsSync(binary))
      throw new BicepError(`SIBYL_BICEP_PATH points to ${binary}, which does not exist.`);
    if (!binary && (binary = onPath())) source = 'PATH';
    if (!binary && fs.existsSync(restoredPath())) [binary, source] = [restoredPath(), 'cache'];
    if (!binary) [binary, source] = [await restoreFromNuGet(log), 'NuGet'];
    const version = await run(binary, ['--version']);
    const match = /Bicep CLI version (\S+)/.exec(version.stdout);
    if (version.code !== 0 || !match)
      throw new BicepError(`${binary} --version failed: ${version.stdout}${version.stderr}`);
    return { path: binary, version: match[1], source, ms: Date.now() - started };
  })();
  found.catch(() => (found = undefined));
  return found;
}

const DIAGNOSTIC = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:]+): (.*)$/;

/** Diagnostics the CLI printed (`file(line,col) : Level code: message`). */
function parseDiagnostics(text) {
  const diagnostics = [];
  for (const line of text.split(/\r?\n/)) {
    const m = DIAGNOSTIC.exec(line.trim());
    if (m)
      diagnostics.push({
        file: m[1],
        line: Number(m[2]),
        column: Number(m[3]),
        level: m[4],
        code: m[5],
        message: m[6],
        text: line.trim(),
      });
  }
  return diagnostics;
}

async function bicepStep(bicep, args, options) {
  const result = await run(bicep.path, args, options);
  const diagnostics = parseDiagnostics(`${result.stdout}\n${result.stderr}`);
  if (result.code !== 0 && diagnostics.length === 0) {
    throw new BicepError(`bicep ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return { ...result, diagnostics };
}

function infraHash(bicepVersion, extra = '') {
  const hash = crypto.createHash('sha256').update(`${bicepVersion}\n${extra}\n`);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(bicep|bicepparam|json)$/.test(entry.name) && !entry.name.endsWith('.snapshot.json')) {
        hash.update(`${path.relative(INFRA_DIR, full)}\n`).update(fs.readFileSync(full));
      }
    }
  };
  walk(INFRA_DIR);
  return hash.digest('hex').slice(0, 24);
}

/** Runs `work(dir)` in a fresh folder and keeps it under `key` (reused while infra/ is unchanged). */
async function cached(kind, key, work) {
  const finalDir = path.join(cacheDir(), kind, key);
  const resultFile = path.join(finalDir, 'result.json');
  if (fs.existsSync(resultFile))
    return { ...JSON.parse(fs.readFileSync(resultFile, 'utf8')), dir: finalDir, cached: true };
  fs.mkdirSync(path.dirname(finalDir), { recursive: true });
  const workDir = fs.mkdtempSync(`${finalDir}-`);
  try {
    const result = await work(workDir);
    fs.writeFileSync(path.join(workDir, 'result.json'), JSON.stringify(result));
    try {
      fs.renameSync(workDir, finalDir);
      return { ...result, dir: finalDir, cached: false };
    } catch {
      // Another worker finished the same work first: its copy is as good.
      return { ...result, dir: workDir, cached: false };
    }
  } catch (error) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Builds infra/main.bicep and infra/main.bicepparam and lints both, offline. Throws a BicepError
 * listing every diagnostic if there is any (the linter runs at `error` level, and compiler
 * warnings count too). Returns the compiled ARM template and parameters.
 */
async function compileInfra({ log = () => undefined } = {}) {
  const bicep = await findBicep({ log });
  const started = Date.now();
  const result = await cached('build', infraHash(bicep.version), async (dir) => {
    const main = path.join(INFRA_DIR, 'main.bicep');
    const params = path.join(INFRA_DIR, 'main.bicepparam');
    // Two at a time: each step is CPU-bound for a few seconds, and CI machines have few cores.
    const steps = [
      ...(await Promise.all([
        bicepStep(bicep, ['build', main, '--outfile', path.join(dir, 'main.json')]),
        bicepStep(bicep, ['build-params', params, '--outfile', path.join(dir, 'main.parameters.json')]),
      ])),
      ...(await Promise.all([bicepStep(bicep, ['lint', main]), bicepStep(bicep, ['lint', params])])),
    ];
    const diagnostics = [...new Map(steps.flatMap((s) => s.diagnostics).map((d) => [d.text, d])).values()];
    if (diagnostics.length) {
      throw new BicepError(
        `Bicep reported ${diagnostics.length} diagnostic(s); each fails the check:\n${diagnostics.map((d) => `  ${d.text}`).join('\n')}`,
        diagnostics,
      );
    }
    return { stepMs: { build: steps[0].ms, buildParams: steps[1].ms, lint: steps[2].ms, lintParams: steps[3].ms } };
  });
  return {
    bicep,
    cached: result.cached,
    ms: Date.now() - started,
    stepMs: result.stepMs,
    templatePath: path.join(result.dir, 'main.json'),
    parametersPath: path.join(result.dir, 'main.parameters.json'),
    template: JSON.parse(fs.readFileSync(path.join(result.dir, 'main.json'), 'utf8')),
    parameters: JSON.parse(fs.readFileSync(path.join(result.dir, 'main.parameters.json'), 'utf8')),
  };
}

/** The body of infra/main.bicepparam with `param name = value` lines replaced as asked. */
function paramsBody(overrides) {
  let body = fs.readFileSync(path.join(INFRA_DIR, 'main.bicepparam'), 'utf8').replace(/^using .*$/m, '');
  for (const [name, value] of Object.entries(overrides)) {
    const line = new RegExp(`^param ${name} = .*$`, 'm');
    body = line.test(body) ? body.replace(line, `param ${name} = ${value}`) : `${body}\nparam ${name} = ${value}\n`;
  }
  return body;
}

/**
 * What a deployment would create: `bicep snapshot` evaluates infra/ with main.bicepparam (its
 * `param` lines replaced by `overrides`, raw Bicep values) and `env` (read by readEnvironmentVariable)
 * at a placeholder scope (SNAPSHOT_SCOPE). Runtime values stay `[reference(...)]` expressions.
 */
async function snapshotInfra({ overrides = {}, env = {}, log = () => undefined } = {}) {
  const bicep = await findBicep({ log });
  const body = paramsBody(overrides);
  const key = infraHash(bicep.version, JSON.stringify({ body, env: Object.entries(env).sort() }));
  const result = await cached('snapshot', key, async (dir) => {
    const using = path.relative(dir, path.join(INFRA_DIR, 'main.bicep')).split(path.sep).join('/');
    const file = path.join(dir, 'main.bicepparam');
    fs.writeFileSync(file, `using '${using}'\n${body}`);
    const s = SNAPSHOT_SCOPE;
    const step = await bicepStep(
      bicep,
      [
        'snapshot',
        file,
        '--tenant-id',
        s.tenantId,
        '--subscription-id',
        s.subscriptionId,
        '--resource-group',
        s.resourceGroup,
        '--location',
        s.location,
        '--deployment-name',
        s.deploymentName,
      ],
      { env: childEnv(env) },
    );
    const snapshotFile = path.join(dir, 'main.snapshot.json');
    if (step.code !== 0 || !fs.existsSync(snapshotFile)) {
      throw new BicepError(
        `bicep snapshot failed (exit ${step.code}):\n${step.stdout}${step.stderr}`,
        step.diagnostics,
      );
    }
    const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'));
    // Warnings such as NestedDeploymentShortCircuited mean part of the template was not evaluated.
    const notes = `${step.stdout}\n${step.stderr}`
      .split(/\r?\n/)
      .filter((l) => /^\s*(Warning|Error)\b/.test(l))
      .map((l) => l.trim());
    return { ...snapshot, notes, ms: step.ms };
  });
  const { dir: _dir, cached: _cached, ...snapshot } = result;
  return snapshot;
}

/** infra/scorerApp.bicep: the per-deployment scorer app the Function App deploys at run time. */
const SCORER_APP_BICEP = path.join(INFRA_DIR, 'scorerApp.bicep');
/** Where its compiled ARM template ships: next to the ARM transport that deploys it, committed. */
const SCORER_APP_TEMPLATE = path.join(REPO_ROOT, 'shared', 'compute', 'azure', 'scorerApp.template.json');

/**
 * Builds and lints infra/scorerApp.bicep offline (any diagnostic fails, as for main.bicep) and
 * returns its ARM template. With `write`, also writes it where the app loads it (SCORER_APP_TEMPLATE).
 */
async function compileScorerApp({ log = () => undefined, write = false } = {}) {
  const bicep = await findBicep({ log });
  const result = await cached('scorer-app', infraHash(bicep.version, 'scorerApp'), async (dir) => {
    const steps = await Promise.all([
      bicepStep(bicep, ['build', SCORER_APP_BICEP, '--outfile', path.join(dir, 'scorerApp.json')]),
      bicepStep(bicep, ['lint', SCORER_APP_BICEP]),
    ]);
    const diagnostics = [...new Map(steps.flatMap((s) => s.diagnostics).map((d) => [d.text, d])).values()];
    if (diagnostics.length) {
      throw new BicepError(
        `Bicep reported ${diagnostics.length} diagnostic(s) on scorerApp.bicep:\n${diagnostics.map((d) => `  ${d.text}`).join('\n')}`,
        diagnostics,
      );
    }
    return { ms: steps[0].ms };
  });
  const text = fs.readFileSync(path.join(result.dir, 'scorerApp.json'), 'utf8');
  if (write) fs.writeFileSync(SCORER_APP_TEMPLATE, text);
  return { template: JSON.parse(text), templatePath: path.join(result.dir, 'scorerApp.json'), cached: result.cached };
}

/**
 * Builds `params` (name -> JSON value) into an ARM parameters file against infra/scorerApp.bicep with
 * `bicep build-params`, so Bicep's type checker judges them as it would judge a .bicepparam a
 * person wrote. Resolves { parameters } or rejects with the diagnostics.
 */
async function buildScorerAppParams(params, { log = () => undefined } = {}) {
  const bicep = await findBicep({ log });
  fs.mkdirSync(cacheDir(), { recursive: true });
  const dir = fs.mkdtempSync(path.join(cacheDir(), 'params-'));
  try {
    const using = path.relative(dir, SCORER_APP_BICEP).split(path.sep).join('/');
    const lines = Object.entries(params).map(
      ([name, value]) =>
        `param ${name} = json('${JSON.stringify(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${')}')`,
    );
    const file = path.join(dir, 'scorerApp.bicepparam');
    fs.writeFileSync(file, `using '${using}'\n${lines.join('\n')}\n`);
    const out = path.join(dir, 'scorerApp.parameters.json');
    const step = await bicepStep(bicep, ['build-params', file, '--outfile', out]);
    const errors = step.diagnostics.filter((d) => d.level === 'Error' || d.level === 'Warning');
    if (step.code !== 0 || errors.length || !fs.existsSync(out)) {
      throw new BicepError(
        `bicep build-params rejected the parameters:\n${step.stdout}${step.stderr}`,
        step.diagnostics,
      );
    }
    return JSON.parse(fs.readFileSync(out, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = {
  BICEP_VERSION,
  INFRA_DIR,
  SCORER_APP_TEMPLATE,
  compileScorerApp,
  buildScorerAppParams,
  SNAPSHOT_SCOPE,
  BicepError,
  findBicep,
  compileInfra,
  snapshotInfra,
  parseDiagnostics,
};
