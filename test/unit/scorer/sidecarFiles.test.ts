/**
 * What the scorer publishes for a custom image beside it (scorer/userCode/sidecarFiles.ts): fixed paths that
 * resolve to the verified folders, replaced in place when published again (a restarted scorer), `ready` last.
 */
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { publishForSidecar } from '../../../scorer/userCode/sidecarFiles';

describe('publishForSidecar', () => {
  const shared = mkdtempSync(path.join(tmpdir(), 'sibyl-sidecar-files-'));
  afterAll(() => rmSync(shared, { recursive: true, force: true }));

  function folder(name: string, file: string, text: string): string {
    const dir = path.join(shared, '.sibyl', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, file), text);
    return dir;
  }

  it('links the model and code at fixed, relative paths and writes ready last; publishing again replaces them', async () => {
    const model1 = folder('model-1', 'w.json', '1');
    const code = folder('code-1', 'server.py', 'print(1)');
    await publishForSidecar(shared, { model: model1, code });
    expect(readFileSync(path.join(shared, 'model', 'w.json'), 'utf8')).toBe('1');
    expect(readFileSync(path.join(shared, 'code', 'server.py'), 'utf8')).toBe('print(1)');
    // Relative, so it resolves the same wherever the other container mounts the volume.
    expect(path.isAbsolute(readlinkSync(path.join(shared, 'model')))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(shared, 'ready'), 'utf8'))).toEqual({
      model: path.join(shared, 'model'),
      code: path.join(shared, 'code'),
    });

    const model2 = folder('model-2', 'w.json', '2');
    await publishForSidecar(shared, { model: model2 });
    expect(readFileSync(path.join(shared, 'model', 'w.json'), 'utf8')).toBe('2');
    expect(JSON.parse(readFileSync(path.join(shared, 'ready'), 'utf8'))).toEqual({ model: path.join(shared, 'model') });
  });
});
