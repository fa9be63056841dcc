#!/usr/bin/env node
/**
 * `npm run test:infra`: find or restore the Bicep CLI, build and lint infra/ (main.bicep, scorerApp.bicep) offline with every
 * linter rule at error level (any diagnostic fails), then run the ARM assertions in test/infra.
 * The compiled output is cached by content, so the Jest suite reuses it instead of compiling again.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bicepCli from './bicepCli.cjs';

const { compileInfra, compileScorerApp, findBicep } = bicepCli;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line) => console.log(`[test:infra] ${line}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

try {
  const bicep = await findBicep({ log });
  log(`bicep ${bicep.version} from ${bicep.source} (${bicep.path}) in ${seconds(bicep.ms)}`);
  const compiled = await compileInfra({ log });
  const steps = Object.entries(compiled.stepMs)
    .map(([step, ms]) => `${step} ${seconds(ms)}`)
    .join(', ');
  const how = compiled.cached ? ' (unchanged since the last check)' : ` (${steps})`;
  log(`infra/ built and linted with 0 diagnostics in ${seconds(compiled.ms)}${how}`);
  log(`ARM template: ${compiled.templatePath}`);
  const scorerApp = await compileScorerApp({ log });
  log(`infra/scorerApp.bicep built and linted with 0 diagnostics: ${scorerApp.templatePath}`);
} catch (error) {
  console.error(`[test:infra] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const child = spawn(process.execPath, [jest, 'test/infra', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
