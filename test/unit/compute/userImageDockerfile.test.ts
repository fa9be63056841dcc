/** The Dockerfile Sibyl writes for a user-code environment's image in Azure, and what runs without a build. */
import type { UserRuntime } from '../../../shared/compute/userRuntime';
import {
  environmentFolder,
  pythonDockerfile,
  userImagePlan,
  USER_CODE_DIR,
} from '../../../shared/compute/azure/userImageDockerfile';
import { customRuntime } from './azureFixtures';

const SCORER = 'crsibyl.azurecr.io/sibyl-scorer:7';

function python(packages: UserRuntime['python']): UserRuntime {
  return {
    runtime: 'python',
    code: { name: 'fraud-code', version: 2 },
    scoringScript: 'score.py',
    python: packages,
    environmentHash: 'sha256:ab12cd34',
    variables: { THRESHOLD: '0.5' },
  };
}

/** The text each `echo <base64> | base64 -d > file` step writes, by file. */
function inlineFiles(dockerfile: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of dockerfile.matchAll(/echo ([A-Za-z0-9+/=]+) \| base64 -d > (\S+)/g))
    files[m[2]!] = Buffer.from(m[1]!, 'base64').toString('utf8');
  return files;
}

describe('user image Dockerfile', () => {
  it('python with pip: the Python base of its version, a venv where the scorer looks, the scorer from its image', () => {
    const runtime = python({ pythonVersion: '3.12', pip: ['numpy==1.26.4', '# a comment', 'scikit-learn>=1.4,<2'] });
    const text = pythonDockerfile(runtime, SCORER);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM python:3.12-slim-bookworm']);
    expect(text).toContain(`COPY --from=${SCORER} /usr/local/bin/node /usr/local/bin/node`);
    expect(text).toContain(`COPY --from=${SCORER} /app /app`);
    const folder = environmentFolder('sha256:ab12cd34');
    expect(folder).toBe(`${USER_CODE_DIR}/venvs/sha256_ab12cd34`);
    expect(text).toContain(`python3 -m venv ${folder}`);
    expect(text).toContain(`${folder}/bin/python -m pip install --no-cache-dir -r /tmp/requirements.txt`);
    expect(text).toContain(`> ${folder}/sibyl-environment.json`);
    expect(inlineFiles(text)).toEqual({ '/tmp/requirements.txt': 'numpy==1.26.4\nscikit-learn>=1.4,<2\n' });
    expect(text).toContain(`SIBYL_USER_CODE_DIR=${USER_CODE_DIR}`);
    expect(lines.slice(-3)).toEqual(['USER 1000', 'CMD ["node", "dist/scorer/main.js"]', '']);
    expect(text).not.toContain('conda');
  });

  it('python with a Conda file: the Conda base, an environment of the asked Python updated from the file', () => {
    const conda = 'name: fraud\ndependencies:\n  - numpy=1.26\n  - pip\n  - pip:\n    - lightgbm==4.3.0\n';
    const text = pythonDockerfile(python({ pythonVersion: '3.10', conda }), SCORER);
    const folder = environmentFolder('sha256:ab12cd34');
    expect(text.split('\n').filter((l) => l.startsWith('FROM '))).toEqual(['FROM continuumio/miniconda3:latest']);
    expect(text).toContain(`conda create --yes --quiet -p ${folder} python=3.10 pip`);
    expect(text).toContain(`conda env update --quiet -p ${folder} -f /tmp/environment.yml`);
    expect(inlineFiles(text)).toEqual({ '/tmp/environment.yml': conda });
    expect(text).not.toContain('pip install');
  });

  it('python without packages: no environment step; an unusable pythonVersion is a 400', () => {
    const text = pythonDockerfile(python({ pythonVersion: '3.11' }), SCORER);
    expect(text).toContain('FROM python:3.11-slim-bookworm');
    expect(text).not.toContain('venv');
    expect(() => pythonDockerfile(python({ pythonVersion: '3.11; rm -rf /' }), SCORER)).toThrow(
      expect.objectContaining({ code: 'InvalidInput' }),
    );
  });

  it("python with the environment's own Dockerfile: that text first, the scorer and packages on top", () => {
    const own = 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y python3 python3-venv\nUSER nobody\n';
    const text = pythonDockerfile(python({ pythonVersion: '3.12', pip: ['requests'] }), SCORER, own);
    expect(text.indexOf(own.trimEnd())).toBeGreaterThan(0);
    expect(text.split('\n').filter((l) => l.startsWith('FROM '))).toEqual(['FROM ubuntu:24.04']);
    expect(text.indexOf('USER root')).toBeGreaterThan(text.indexOf('USER nobody'));
    expect(text).toContain('python3 -m venv');
  });

  it('plans a build tagged by the environment hash, a changed Dockerfile changing the tag', () => {
    const a = userImagePlan(python({ pythonVersion: '3.12', pip: ['numpy'] }), SCORER);
    const b = userImagePlan(python({ pythonVersion: '3.12', pip: ['numpy'] }), 'crsibyl.azurecr.io/sibyl-scorer:8');
    expect(a).toMatchObject({ kind: 'build', repository: 'sibyl-environments/python', port: 8080 });
    if (a.kind !== 'build' || b.kind !== 'build') throw new Error('expected builds');
    expect(a.tag).toMatch(/^sha256-ab12cd34-[0-9a-f]{12}$/);
    expect(b.tag).not.toBe(a.tag);
    expect(a.tag).toBe((userImagePlan(python({ pythonVersion: '3.12', pip: ['numpy'] }), SCORER) as typeof a).tag);
  });

  it('custom: its dockerfile is built as it is, its image runs without a build, on its port', () => {
    const custom = customRuntime({ image: 'docker.io/acme/oip-server:3' });
    expect(userImagePlan(custom, SCORER)).toEqual({ kind: 'image', image: 'docker.io/acme/oip-server:3', port: 9000 });
    const dockerfile = 'FROM python:3.12-slim\nCOPY . /srv\nCMD ["python", "/srv/server.py"]\n';
    expect(userImagePlan(custom, SCORER, dockerfile)).toMatchObject({
      kind: 'build',
      repository: 'sibyl-environments/custom',
      dockerfile,
      port: 9000,
    });
    expect(() => userImagePlan(customRuntime({ image: undefined, command: ['x'] }), SCORER)).toThrow(
      /needs `image` or `dockerfile`/,
    );
  });

  it('node: the scorer image itself (the module runs in the scorer process)', () => {
    expect(userImagePlan({ runtime: 'node', environmentHash: 'h', variables: {} }, SCORER)).toEqual({
      kind: 'image',
      image: SCORER,
      port: 8080,
    });
  });
});
