/**
 * Turns a step as written (strings may hold `${…}`) into the step a run executes: references replaced,
 * then checked against the plain schemas (`BatchJobSpec`, `DatastorePath`), so a parameter value that
 * makes a field invalid fails with the field's rule.
 *
 * @example
 *   const step = resolveStep(definition.steps[0], { parameters, steps: outputsSoFar, runId }, 0);
 *   if (step.kind === 'batch-score') submit(step.job);
 */
import { BatchJobSpec, DatastorePath, type PipelineStep } from '../api/schemas';
import { parseBody } from '../api/validate';
import type { PipelineDefinition } from './pipelineChecks';
import { STEP_OUTPUTS } from './stepKinds';
import { substitute, type TemplateValues } from './templateReferences';

export type ResolvedStep =
  | { name: string; kind: 'batch-score'; job: BatchJobSpec }
  | { name: string; kind: 'copy' | 'move'; from: DatastorePath; to: DatastorePath };

/** `step` with `values` substituted and validated; throws InvalidInput naming the step and field. */
export function resolveStep(step: PipelineStep, values: TemplateValues, index: number): ResolvedStep {
  const label = `step '${step.name}'`;
  if (step.kind === 'batch-score') {
    const job = substitute(step.job as unknown, values, `steps[${index}].job`);
    return { name: step.name, kind: 'batch-score', job: parseBody(BatchJobSpec, job, `The job of ${label}`) };
  }
  const from = parseBody(
    DatastorePath,
    substitute(step.from as unknown, values, `steps[${index}].from`),
    `The source ("from") of ${label}`,
  );
  const to = parseBody(
    DatastorePath,
    substitute(step.to as unknown, values, `steps[${index}].to`),
    `The destination ("to") of ${label}`,
  );
  return { name: step.name, kind: step.kind, from, to };
}

/**
 * Values to check step `index` with before any run: parameter defaults, and for earlier steps'
 * outputs and the run id placeholders that satisfy any path rule.
 */
export function placeholderValues(definition: PipelineDefinition, index: number): TemplateValues {
  const steps: TemplateValues['steps'] = {};
  for (const step of definition.steps.slice(0, index)) {
    steps[step.name] = Object.fromEntries(
      STEP_OUTPUTS[step.kind].map((output) => [output, `steps.${step.name}.outputs.${output}`]),
    );
  }
  return { parameters: definition.parameters, steps, runId: 'run-id' };
}
