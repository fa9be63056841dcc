/**
 * The user code of a deployment (Azure ML's `code_configuration`) checked against its environment and
 * model before anything starts: user-code runtimes never compute in the Function App, `python` and
 * `node` need a scoring script, the code asset and the script must exist, and a custom model needs a
 * runtime that runs a script. Every refusal is a 400 naming what to change.
 */
import type { CodeConfiguration } from '../api/schemas';
import { SibylError } from '../errors';
import { getCodeVersion, parseCodeReference, type CodeVersion } from '../registry/codeAssets';
import type { Environment } from '../registry/environments';
import { runtimeOf, USER_CODE_ON_FUNCTIONS } from '../registry/environmentRuntime';

function refuse(target: string, message: string): never {
  throw new SibylError('InvalidInput', message, [{ target, message }]);
}

/** What the model is, as far as the check needs. */
interface ModelKind {
  name: string;
  version: number;
  modelType?: string;
  modelFile?: string;
}

/** Checks `code` against the environment and model; answers the code asset version when there is one. */
export async function checkDeploymentCode(
  code: CodeConfiguration | undefined,
  environment: Environment,
  model: ModelKind,
): Promise<CodeVersion | undefined> {
  const runtime = runtimeOf(environment);
  const kind = environment.compute?.kind ?? 'functions';
  if (runtime === 'onnx') {
    if (code)
      refuse(
        'code',
        `Environment '${environment.reference}' has runtime 'onnx', which runs no user code; use a python or node ` +
          `environment (e.g. 'python-3.11@1') to run code.scoringScript, or leave code out.`,
      );
    if (model.modelType === 'custom' || !model.modelFile)
      refuse(
        'code.scoringScript',
        `Model ${model.name}:${model.version} is a custom model: it needs a scoring script, which an onnx environment does not run. Give ` +
          `code.code and code.scoringScript (a score.py with init() and run()) with a python environment such as ` +
          `'python-3.11@1'.`,
      );
    return undefined;
  }
  if (kind === 'functions')
    refuse(
      'environment',
      `Environment '${environment.reference}' has runtime '${runtime}': ${USER_CODE_ON_FUNCTIONS}.`,
    );
  if ((runtime === 'python' || runtime === 'node') && !code?.scoringScript)
    refuse(
      'code.scoringScript',
      `Runtime '${runtime}' runs a scoring script: give code.code (a code asset, 'name:version') and ` +
        `code.scoringScript (its path in the asset, e.g. '${runtime === 'python' ? 'score.py' : 'score.js'}').`,
    );
  if (!code) return undefined;
  const ref = parseCodeReference(code.code);
  let version: CodeVersion;
  try {
    version = await getCodeVersion(ref.name, ref.version);
  } catch (error) {
    if (error instanceof SibylError && error.code === 'CodeNotFound')
      refuse(
        'code.code',
        `Code asset '${code.code}' does not exist: register it with POST api/code/${ref.name}/versions ` +
          `(or sibyl code register PATH --name ${ref.name}).`,
      );
    throw error;
  }
  const script = code.scoringScript?.replace(/^\.\//, '');
  if (script !== undefined && !version.files.some((f) => f.path === script)) {
    const paths = version.files.map((f) => f.path);
    const listed = paths.slice(0, 20).join(', ') + (paths.length > 20 ? `, … (${paths.length} files)` : '');
    refuse(
      'code.scoringScript',
      `Scoring script '${code.scoringScript!.slice(0, 200)}' is not in code asset '${code.code}', which holds: ${listed}.`,
    );
  }
  return version;
}
