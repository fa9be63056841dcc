/**
 * The `sibyl` CLI without a server: help with examples on every command, exit codes for usage and
 * connection errors, the `bin` shim, and the CSV reader behind `score --data FILE.csv`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { createProgram } from '../../../cli/program';
import { freePort } from '../../../shared/net/freePort';
import { REPO_ROOT, tempDir } from '../../support/hostProcess';
import { cliUser, expectExit, runCli, SIBYL_BIN } from './cliProcess';

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

describe('sibyl CLI without a server', () => {
  it('has help with examples on every command, and --profile and --output on every leaf', () => {
    const commands = allCommands(createProgram()).filter((c) => c.name() !== 'help');
    expect(commands.length).toBeGreaterThan(40);
    for (const command of commands) {
      const help = helpOf(command);
      expect({ command: fullName(command), hasExamples: /\nExamples:\n {2}\$ sibyl /.test(help) }).toEqual({
        command: fullName(command),
        hasExamples: true,
      });
      if (command.commands.length === 0 && command.parent) {
        expect({
          command: fullName(command),
          flags: ['--profile', '--output'].filter((f) => help.includes(f)),
        }).toEqual({ command: fullName(command), flags: ['--profile', '--output'] });
      }
    }
  });

  it('prints help and the version with exit 0, and a group without a subcommand exits 2', async () => {
    const help = expectExit(await runCli(['batch', 'run', '--help']), 0);
    expect(help.stdout).toMatch(/Examples:\n {2}\$ sibyl batch run --deployment/);
    const version = expectExit(await runCli(['--version']), 0);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
    const group = expectExit(await runCli(['models']), 2);
    expect(group.stderr).toMatch(/Usage: sibyl models/);
  });

  it('says how to log in when there is no profile (exit 2)', async () => {
    const result = expectExit(await cliUser().run(['models', 'list']), 2);
    expect(result.stderr).toMatch(/^sibyl: error: not logged in: run 'sibyl login --url URL'/m);
  });

  it('reports an unreachable service as one line with exit 1', async () => {
    const port = await freePort();
    const result = expectExit(
      await cliUser({ SIBYL_URL: `http://127.0.0.1:${port}`, SIBYL_KEY: 'k' }).run(['endpoints', 'list']),
      1,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^sibyl: error ConnectionFailed: cannot reach Sibyl at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });

  it('batch run: --output-path is the destination; --output DATASTORE:PATH still works, with a note', async () => {
    const user = cliUser({ SIBYL_URL: `http://127.0.0.1:${await freePort()}`, SIBYL_KEY: 'k' });
    const base = ['batch', 'run', '--model', 'iris:1', '--input', 'ws:in/'];
    // No server listens: a run that got as far as sending fails with ConnectionFailed (exit 1), not a usage error.
    const current = expectExit(await user.run([...base, '--output-path', 'ws:out/', '-o', 'json']), 1);
    expect(current.stderr).toMatch(/error ConnectionFailed/);
    expect(current.stderr).not.toMatch(/deprecated/);
    const legacy = expectExit(await user.run([...base, '--output', 'ws:out/', '--output', 'json']), 1);
    expect(legacy.stderr).toMatch(
      /^sibyl: note: --output DATASTORE:PATH is deprecated; use --output-path DATASTORE:PATH/m,
    );
    expect(legacy.stderr).toMatch(/error ConnectionFailed/);
    expect(expectExit(await user.run([...base, '-o', 'json']), 2).stderr).toMatch(/--output-path DATASTORE:PATH/);
    expect(expectExit(await user.run([...base, '--output-path', 'ws:a/', '--output', 'ws:b/']), 2).stderr).toMatch(
      /where the predictions go once/,
    );
  });

  it('refuses a bad URL at login and a login with no key (exit 2)', async () => {
    const user = cliUser();
    expect(expectExit(await user.run(['login', '--url', 'localhost:7071', '--key', 'k']), 2).stderr).toMatch(
      /must start with http/,
    );
    expect(expectExit(await user.run(['login', '--url', 'http://127.0.0.1:1']), 2).stderr).toMatch(/no key given/);
  });

  it('keeps profiles apart and switches the default', async () => {
    const user = cliUser();
    expectExit(await user.run(['login', '--url', 'http://127.0.0.1:1', '--key', 'one', '--no-verify']), 0);
    expectExit(
      await user.run(['login', '--url', 'http://127.0.0.1:2', '--key', 'two', '--no-verify', '--profile', 'other']),
      0,
    );
    let profiles = expectExit(await user.run(['profiles', 'list', '-o', 'json']), 0).json<
      { name: string; default: boolean }[]
    >();
    expect(profiles.filter((p) => p.default).map((p) => p.name)).toEqual(['default']);
    expectExit(await user.run(['profiles', 'use', 'other']), 0);
    profiles = expectExit(await user.run(['profiles', 'list', '-o', 'json']), 0).json();
    expect(profiles.filter((p) => p.default).map((p) => p.name)).toEqual(['other']);
    const listed = expectExit(await user.run(['profiles', 'list']), 0);
    expect(listed.stdout).not.toMatch(/\bone\b|\btwo\b/);
    expectExit(await user.run(['logout', '--profile', 'other']), 0);
    profiles = expectExit(await user.run(['profiles', 'list', '-o', 'json']), 0).json();
    expect(profiles.map((p) => p.name)).toEqual(['default']);
  });

  it('tells the user to build when dist is missing (the bin shim)', async () => {
    const clone = tempDir('cli-clone');
    fs.mkdirSync(path.join(clone, 'bin'));
    fs.copyFileSync(SIBYL_BIN, path.join(clone, 'bin', 'sibyl.js'));
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [path.join(clone, 'bin', 'sibyl.js'), 'models', 'list'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not built yet; run 'npm run build'/);
  });
});
