/**
 * The image a user-code replica runs in Azure (environments issue). The replica is always Sibyl's
 * Node scorer (it fronts the user's code: auth, score routes, the Python runner as its child), so
 * for a `python` environment Sibyl writes a Dockerfile that puts the scorer (Node, `/app` with
 * `dist/scorer` and `scorer/python/azureml_runner.py`, copied from Sibyl's scorer image) on a Python
 * base of the environment's `pythonVersion`, with its pip or Conda packages installed at build time.
 * A `custom` environment's own `dockerfile` is built as it is, and its `image` is run without a build.
 *
 * The packages go where the scorer looks for an environment's prepared interpreter
 * (`$SIBYL_USER_CODE_DIR/venvs/<environmentHash>`, marked ready by `sibyl-environment.json`:
 * scorer/userCode/pythonEnvironment.ts), so a replica starts without installing anything.
 */
import { createHash } from 'node:crypto';
import { SibylError } from '../../errors';
import type { UserRuntime } from '../userRuntime';

/** Where the scorer keeps user code and prepared Python environments in the image. */
export const USER_CODE_DIR = '/opt/sibyl/user-code';
/** Marks a prepared environment folder as complete (the scorer's READY_FILE). */
const READY_FILE = 'sibyl-environment.json';
/** Repository of the images Sibyl builds for environments, in the workspace's registry. */
export const USER_IMAGE_REPOSITORY = 'sibyl-environments';
/** Conda's own image (Debian bookworm, like the node binary the scorer image carries). */
const CONDA_BASE = 'continuumio/miniconda3:latest';
/** Python's official slim images; the tag is `<pythonVersion>-slim-bookworm`. */
const PYTHON_VERSION = /^3\.\d{1,2}$/;
/** The scorer's port in every replica (scorerAppParameters' SCORER_PORT). */
const PORT = 8080;

/** What a user-code deployment runs in Azure: an image as it is, or one to build from a Dockerfile. */
export type UserImagePlan =
  | { kind: 'image'; image: string; port: number }
  | { kind: 'build'; repository: string; tag: string; dockerfile: string; port: number };

function invalid(message: string): SibylError {
  return new SibylError('InvalidInput', message);
}

/** The folder the scorer prepares (and here, the image pre-builds) the environment's interpreter in. */
export function environmentFolder(environmentHash: string): string {
  return `${USER_CODE_DIR}/venvs/${environmentHash.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Shell-safe: the text travels base64-encoded and is decoded into a file in the image. */
function writeFileStep(text: string, file: string): string {
  return `echo ${Buffer.from(text, 'utf8').toString('base64')} | base64 -d > ${file}`;
}

/** Sibyl's scorer on top of whatever base the lines before it made, then the packages, then the scorer's command. */
function scorerLayer(scorerImage: string, packages: string[]): string[] {
  return [
    '',
    "# Sibyl's scorer: Node, the scorer and the Python runner (scorer/python/azureml_runner.py) from its image.",
    'USER root',
    `COPY --from=${scorerImage} /usr/local/bin/node /usr/local/bin/node`,
    `COPY --from=${scorerImage} /app /app`,
    `ENV NODE_ENV=production PORT=${PORT} SIBYL_USER_CODE_DIR=${USER_CODE_DIR}`,
    ...packages,
    `RUN mkdir -p ${USER_CODE_DIR} && chown -R 1000 ${USER_CODE_DIR}`,
    'WORKDIR /app',
    `EXPOSE ${PORT}`,
    'USER 1000',
    'CMD ["node", "dist/scorer/main.js"]',
    '',
  ];
}

/** The steps that build the environment's packages into its folder (none without packages). */
function packageSteps(runtime: UserRuntime): string[] {
  const python = runtime.python;
  const folder = environmentFolder(runtime.environmentHash);
  const ready = `echo '{"builtAt":"image"}' > ${folder}/${READY_FILE}`;
  if (python?.conda) {
    return [
      '# The Conda file, into a Conda environment of the asked Python where the scorer looks for it.',
      `RUN ${writeFileStep(python.conda, '/tmp/environment.yml')} \\`,
      ` && conda create --yes --quiet -p ${folder} python=${python.pythonVersion} pip \\`,
      ` && conda env update --quiet -p ${folder} -f /tmp/environment.yml \\`,
      ' && conda clean --all --yes && rm /tmp/environment.yml \\',
      ` && ${ready}`,
    ];
  }
  const pip = (python?.pip ?? []).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (!pip.length) return [];
  return [
    '# The pip requirements, into a virtual environment where the scorer looks for it.',
    `RUN ${writeFileStep(`${pip.join('\n')}\n`, '/tmp/requirements.txt')} \\`,
    ` && python3 -m venv ${folder} \\`,
    ` && PIP_DISABLE_PIP_VERSION_CHECK=1 ${folder}/bin/python -m pip install --no-cache-dir -r /tmp/requirements.txt \\`,
    ' && rm /tmp/requirements.txt \\',
    ` && ${ready}`,
  ];
}

/** The Dockerfile of a `python` environment: a Python base (or the environment's own Dockerfile), packages, scorer. */
export function pythonDockerfile(runtime: UserRuntime, scorerImage: string, dockerfile?: string): string {
  const version = runtime.python?.pythonVersion ?? '3.11';
  if (!PYTHON_VERSION.test(version)) throw invalid(`pythonVersion must look like 3.11, got '${version}'.`);
  const header = [
    `# Written by Sibyl for a python environment (environmentHash ${runtime.environmentHash}).`,
    "# The replica runs Sibyl's scorer, which starts the Azure ML runner with the scoring script.",
  ];
  let base: string[];
  if (dockerfile) base = ["# The environment's own Dockerfile, as given.", dockerfile.trimEnd()];
  else if (runtime.python?.conda) base = [`FROM ${CONDA_BASE}`];
  else base = [`FROM python:${version}-slim-bookworm`];
  return [...header, ...base, ...scorerLayer(scorerImage, packageSteps(runtime))].join('\n');
}

/** A tag for the image: the environment version's hash, and the Dockerfile's (it names the scorer image). */
function tagOf(environmentHash: string, dockerfile: string): string {
  const digest = createHash('sha256').update(dockerfile).digest('hex').slice(0, 12);
  const hash = environmentHash.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);
  return `${hash}-${digest}`;
}

/**
 * What to run for a user-code deployment in Azure: `custom` with `image` runs that image; `custom` with
 * a `dockerfile` builds it as is; `python` builds Sibyl's Dockerfile; `node` runs the scorer image itself
 * (the module runs in the scorer's own process).
 */
export function userImagePlan(runtime: UserRuntime, scorerImage: string, dockerfile?: string): UserImagePlan {
  if (runtime.runtime === 'custom') {
    const port = runtime.custom?.port ?? PORT;
    if (dockerfile) {
      return {
        kind: 'build',
        repository: `${USER_IMAGE_REPOSITORY}/custom`,
        tag: tagOf(runtime.environmentHash, dockerfile),
        dockerfile,
        port,
      };
    }
    if (runtime.custom?.image) return { kind: 'image', image: runtime.custom.image, port };
    throw invalid('A custom environment needs `image` or `dockerfile` to run in Azure (`command` runs locally only).');
  }
  if (runtime.runtime === 'python') {
    const text = pythonDockerfile(runtime, scorerImage, dockerfile);
    return {
      kind: 'build',
      repository: `${USER_IMAGE_REPOSITORY}/python`,
      tag: tagOf(runtime.environmentHash, text),
      dockerfile: text,
      port: PORT,
    };
  }
  return { kind: 'image', image: scorerImage, port: PORT };
}
