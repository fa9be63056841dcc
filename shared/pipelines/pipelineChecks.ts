/**
 * Checks of a pipeline definition that need no storage: the schema, step kinds, unique step names,
 * well-formed `${…}` references, step references that only look back (a reference to the same or a
 * later step is a cycle or a forward reference), and — at publish — parameters that resolve.
 * Each failure is an `InvalidInput` (400) whose message names the step and field.
 *
 * @example
 *   const definition = parsePipelineDefinition(await readJson(request)); // throws 400 with the reason
 *   checkParametersResolve(definition);                                  // at publish
 */
import { PipelineSpec, type PipelineStep } from '../api/schemas';
import { parseBody } from '../api/validate';
import { SibylError, type ErrorDetail } from '../errors';
import { STEP_KINDS, STEP_OUTPUTS, isStepKind } from './stepKinds';
import { referencesIn, stringsOf, type Reference } from './templateReferences';

/** A pipeline's definition: what a draft holds and a published version freezes. */
export interface PipelineDefinition {
  description?: string;
  parameters: Record<string, string | number | boolean>;
  steps: PipelineStep[];
}

function fail(message: string, target?: string): never {
  throw new SibylError('InvalidInput', message, target ? [{ target, message }] : undefined);
}

/** Names an unknown kind before the schema does, which could only say "matches no alternative". */
function checkKinds(raw: unknown): void {
  const steps = (raw as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return;
  steps.forEach((step: unknown, i) => {
    const { kind, name } = (step ?? {}) as { kind?: unknown; name?: unknown };
    if (kind === undefined || isStepKind(kind)) return;
    const label = typeof name === 'string' ? `Step '${name.slice(0, 64)}'` : `Step ${i + 1}`;
    fail(
      `${label} has an unknown kind ${JSON.stringify(kind).slice(0, 80)}; a step's kind is one of ${STEP_KINDS.join(', ')}.`,
      `steps[${i}].kind`,
    );
  });
}

/** Every reference in a step, with the field it sits in. */
export function stepReferences(step: PipelineStep, index: number): { where: string; ref: Reference }[] {
  const { name: _name, kind: _kind, ...fields } = step;
  return stringsOf(fields, `steps[${index}]`).flatMap(({ path, text }) =>
    referencesIn(text, `Step '${step.name}' ${path}`).map((ref) => ({ where: path, ref })),
  );
}

/** A cycle through `start` in the step graph, as step names (first = last), if there is one. */
function findCycle(edges: Map<string, Set<string>>, start: string): string[] | undefined {
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    if (node === start && stack.length > 0) return [...stack, start];
    if (seen.has(node)) return undefined;
    seen.add(node);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    return undefined;
  };
  return visit(start);
}

/** Step references must name an earlier step and one of its outputs. */
function checkStepReferences(steps: PipelineStep[]): void {
  const position = new Map(steps.map((s, i) => [s.name, i]));
  const edges = new Map<string, Set<string>>();
  const uses: { from: number; to: number; where: string; ref: Reference & { kind: 'step' } }[] = [];
  steps.forEach((step, i) => {
    for (const { where, ref } of stepReferences(step, i)) {
      if (ref.kind !== 'step') continue;
      const to = position.get(ref.step);
      if (to === undefined)
        fail(
          `Step '${step.name}' ${where}: ${ref.text} names no step of this pipeline (its steps: ${steps.map((s) => s.name).join(', ')}).`,
          where,
        );
      const outputs = STEP_OUTPUTS[steps[to]!.kind];
      if (!outputs.includes(ref.output))
        fail(
          `Step '${step.name}' ${where}: ${ref.text}: a ${steps[to]!.kind} step has no output '${ref.output}' ` +
            `(it has ${outputs.join(', ')}).`,
          where,
        );
      edges.set(step.name, (edges.get(step.name) ?? new Set()).add(ref.step));
      uses.push({ from: i, to, where, ref });
    }
  });
  for (const use of uses.filter((u) => u.to >= u.from)) {
    const name = steps[use.from]!.name;
    const cycle = findCycle(edges, name);
    if (cycle)
      fail(
        `The steps form a cycle: ${cycle.join(' → ')}. A step can only use outputs of steps listed before it.`,
        use.where,
      );
    fail(
      `Step '${name}' ${use.where}: ${use.ref.text} uses step '${use.ref.step}', which runs after it; ` +
        `steps run in order, so move '${use.ref.step}' before '${name}'.`,
      use.where,
    );
  }
}

/** Validates a draft as sent (`PUT api/pipelines/{name}`); returns it typed. Throws InvalidInput. */
export function parsePipelineDefinition(raw: unknown): PipelineDefinition {
  checkKinds(raw);
  const spec = parseBody(PipelineSpec, raw, 'pipeline');
  const definition: PipelineDefinition = {
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    parameters: spec.parameters ?? {},
    steps: spec.steps,
  };
  checkStructure(definition);
  return definition;
}

/** Unique step names, well-formed references, no cycles or forward references. */
export function checkStructure(definition: PipelineDefinition): void {
  const seen = new Set<string>();
  definition.steps.forEach((step, i) => {
    if (seen.has(step.name))
      fail(`Two steps are named '${step.name}'; step names must be unique within a pipeline.`, `steps[${i}].name`);
    seen.add(step.name);
  });
  checkStepReferences(definition.steps);
}

/** Every `${parameters.x}` must name a declared parameter (publish time). Lists every one that does not. */
export function checkParametersResolve(definition: PipelineDefinition): void {
  const details: ErrorDetail[] = [];
  definition.steps.forEach((step, i) => {
    for (const { where, ref } of stepReferences(step, i)) {
      if (ref.kind === 'parameter' && !(ref.name in definition.parameters))
        details.push({
          target: where,
          message: `Step '${step.name}' ${where}: ${ref.text} is not a parameter of this pipeline`,
        });
    }
  });
  if (!details.length) return;
  const declared = Object.keys(definition.parameters);
  const hint = declared.length ? `its parameters are ${declared.join(', ')}` : 'it declares no parameters';
  throw new SibylError(
    'InvalidInput',
    `${details[0]!.message} (${hint}); declare it in "parameters" with a default.`,
    details,
  );
}
