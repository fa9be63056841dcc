/**
 * `sibyl code register|list|show` as a child process against the local host: one file keeps its name,
 * a folder is sent as a .tar.gz of its files, an archive as itself; a missing path is a usage error
 * (exit 2) and a refused upload an API error (exit 1) with the API's code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT, startHost, tempDir, type HostProcess } from '../../support/hostProcess';
import { tarGzOf } from '../../support/archives';
import { expectExit, runCli, type CliOptions } from './cliProcess';

const NAME = `cli-code-${randomBytes(3).toString('hex')}`;
const SCORE_PY = 'def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n';

interface Version {
  name: string;
  version: number;
  files: { path: string; sizeBytes: number; sha256: string }[];
}

describe('sibyl code', () => {
  let host: HostProcess;
  let work: string;
  const sibyl = (args: readonly string[], options: CliOptions = {}) =>
    runCli(args, { ...options, env: { SIBYL_URL: host.baseUrl, SIBYL_KEY: host.functionKey } });

  beforeAll(async () => {
    host = await startHost({ appDir: REPO_ROOT });
    work = tempDir('cli-code');
    fs.writeFileSync(path.join(work, 'score.py'), SCORE_PY);
    fs.mkdirSync(path.join(work, 'src', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(work, 'src', 'score.py'), SCORE_PY);
    fs.writeFileSync(path.join(work, 'src', 'lib', 'helpers.py'), 'X = 1\n');
    fs.writeFileSync(path.join(work, 'src.tar.gz'), await tarGzOf([{ path: 'main.py', data: 'print(1)\n' }]));
    fs.writeFileSync(path.join(work, 'empty.py'), '');
  }, 120000);

  afterAll(async () => {
    await host?.stop();
  });

  it('registers a file, a folder and an archive as versions 1, 2 and 3, then lists and shows them', async () => {
    const file = expectExit(
      await sibyl(['code', 'register', path.join(work, 'score.py'), '--name', NAME, '-o', 'json']),
      0,
    ).json<Version>();
    expect(file).toMatchObject({ name: NAME, version: 1, files: [{ path: 'score.py', sizeBytes: SCORE_PY.length }] });

    const folder = expectExit(
      await sibyl(['code', 'register', path.join(work, 'src'), '--name', NAME, '-o', 'json']),
      0,
    ).json<Version>();
    expect(folder.version).toBe(2);
    expect(folder.files.map((f) => f.path)).toEqual(['lib/helpers.py', 'score.py']);
    expect(folder.files.find((f) => f.path === 'score.py')?.sha256).toBe(file.files[0]!.sha256);

    const archive = expectExit(
      await sibyl(['code', 'register', path.join(work, 'src.tar.gz'), '--name', NAME, '-o', 'json']),
      0,
    ).json<Version>();
    expect(archive.files.map((f) => f.path)).toEqual(['main.py']);

    const list = expectExit(await sibyl(['code', 'list']), 0);
    expect(list.stdout).toMatch(new RegExp(`${NAME}\\W+3\\W+1, 2, 3`));
    const shown = expectExit(await sibyl(['code', 'show', NAME, '2']), 0);
    expect(shown.stdout).toContain(`${NAME}:2`);
    expect(shown.stdout).toContain('lib/helpers.py');
  });

  it('exits 2 for a missing path and 1 with the API code for an empty file or an unknown version', async () => {
    const missing = expectExit(await sibyl(['code', 'register', path.join(work, 'nope'), '--name', NAME]), 2);
    expect(missing.stderr).toMatch(/no such file or folder/);
    const empty = expectExit(await sibyl(['code', 'register', path.join(work, 'empty.py'), '--name', NAME]), 1);
    expect(empty.stderr).toMatch(/InvalidInput.*empty/);
    const unknown = expectExit(await sibyl(['code', 'show', NAME, '9']), 1);
    expect(unknown.stderr).toMatch(/CodeNotFound/);
  });
});
