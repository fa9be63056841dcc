/**
 * Checks made when a draft is published: every step resolves with the parameter defaults into a
 * valid step, and the deployments, models and datastores it names exist. A missing one is a 400 that
 * names the step (the pipeline, not the URL, refers to it).
 *
 * @example await checkPublishable(draft); // throws InvalidInput: "Step 'score' job.deployment: …"
 */
import { resolveTarget } from '../batch/scoringTarget';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { SibylError } from '../errors';
import { checkParametersResolve, checkStructure, type PipelineDefinition } from './pipelineChecks';
import { placeholderValues, resolveStep } from './stepResolution';
import { referencesIn } from './templateReferences';

/** A string that still depends on an earlier step or the run: not checkable before a run. */
const isRunTimeValue = (text: string): boolean => referencesIn(text, 'value').some((r) => r.kind !== 'parameter');

/** The string at a dotted path (`job.input.datastore`) of a step. */
function stringAt(value: unknown, path: string): string {
  const found = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
  return typeof found === 'string' ? found : '';
}

/** Re-throws a "not found" of a referenced resource as a 400 naming the step and field. */
async function mustExist(check: () => Promise<unknown>, where: string): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof SibylError && error.status === 404)
      throw new SibylError('InvalidInput', `${where}: ${error.message}`, [{ target: where, message: error.message }]);
    throw error;
  }
}

/** Throws InvalidInput (400) for the first step that cannot run as published. */
export async function checkPublishable(definition: PipelineDefinition): Promise<void> {
  checkStructure(definition);
  checkParametersResolve(definition);
  for (const [index, step] of definition.steps.entries()) {
    const resolved = resolveStep(step, placeholderValues(definition, index), index);
    const at = (field: string) => `Step '${step.name}' ${field}`;
    const fields =
      resolved.kind === 'batch-score'
        ? ['job.input.datastore', 'job.output.datastore']
        : ['from.datastore', 'to.datastore'];
    for (const field of fields) {
      if (!isRunTimeValue(stringAt(step, field)))
        await mustExist(() => readDatastoreDoc(stringAt(resolved, field)), at(field));
    }
    if (resolved.kind === 'batch-score') {
      const field = resolved.job.deployment !== undefined ? 'job.deployment' : 'job.model';
      if (!isRunTimeValue(stringAt(step, field)))
        await mustExist(
          () => resolveTarget({ deployment: resolved.job.deployment, model: resolved.job.model }),
          at(field),
        );
    }
  }
}
