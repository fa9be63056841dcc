/**
 * The honest warm-up: a model that loaded is never refused for its warm-up inference. It runs on the
 * version's input example when it has one (decoded as a scoring body), else on synthetic zeros; a
 * failure of either becomes a warning sentence for the deployment.
 */
import { decodeAzureMlRequest } from '../scoring/codecs/azureMlCodec';
import { orderColumns } from '../scoring/codecs/mlflowColumns';
import type { NamedTensor } from '../scoring/datatypes';
import type { ModelSession } from '../scoring/modelSession';
import type { ModelVersionDoc } from './modelDocuments';

/**
 * Warms `session`; answers the warnings (ONNX Runtime's own, then the warm-up's), empty when all went well.
 * When it throws (something other than the inference failed), the session is released: nobody can use it.
 */
export async function warmUp(
  session: ModelSession,
  version: Pick<ModelVersionDoc, 'inputExample' | 'columns'>,
): Promise<string[]> {
  try {
    return await warnOfWarmUp(session, version);
  } catch (error) {
    await session.release();
    throw error;
  }
}

async function warnOfWarmUp(
  session: ModelSession,
  version: Pick<ModelVersionDoc, 'inputExample' | 'columns'>,
): Promise<string[]> {
  const warnings = [...session.warnings];
  let examples: NamedTensor[] | undefined;
  if (version.inputExample !== undefined) {
    try {
      const body = orderColumns(
        version.inputExample,
        version.columns,
        session.signature.inputs.map((s) => s.name),
      );
      examples = decodeAzureMlRequest(body, session.signature);
    } catch (error) {
      warnings.push(
        `The model's input example does not fit its signature, so the warm-up used a synthetic input: ${(error as Error).message}`,
      );
    }
  }
  const failed = await session.warmOrWarn(examples);
  if (failed) warnings.push(failed);
  return warnings;
}
