/**
 * Runs a `copy` or `move` step of a pipeline run (an activity): resolves the step, moves its step run
 * through Running to Completed or Failed, and returns the step's outputs for later steps. Never
 * throws for a failure of the step itself: the orchestration reads `ok`.
 *
 * @example const result = await runTransferStep({ runId, index: 1, outputs }); // { ok: true, outputs: { datastore, path, files } }
 */
import { appendRunLog } from '../workspace/runLogs';
import { createRun, findRun, moveRun } from '../workspace/runStore';
import { transferBlobs } from './blobTransfer';
import { toErrorInfo, type StepInput, type StepOutputs, type StepResult } from './pipelineRunProtocol';
import { loadStepContext } from './stepContext';

export async function runTransferStep(input: StepInput): Promise<StepResult> {
  const context = await loadStepContext(input);
  const stepRunId = context.plan.runId;
  // The step's run is stored when the pipeline run starts; a start that died half-way may have left it out.
  const done =
    (await findRun(stepRunId)) ??
    (await createRun({
      id: stepRunId,
      kind: context.plan.kind,
      parentRunId: context.run.id,
      ...(context.run.experiment ? { experiment: context.run.experiment } : {}),
      details: { step: context.plan.name },
    }));
  // Already finished by an earlier attempt of this activity: answer what it recorded.
  if (done.status === 'Completed' && done.details?.stepOutputs)
    return { ok: true, outputs: done.details.stepOutputs as StepOutputs };
  try {
    const step = context.resolve();
    if (step.kind === 'batch-score') throw new Error(`Step '${step.name}' is a batch-score step, not a transfer.`);
    const [from, to] = [`${step.from.datastore}:${step.from.path}`, `${step.to.datastore}:${step.to.path}`];
    await moveRun(stepRunId, 'Running', { startedAt: new Date().toISOString(), parameters: { from, to } });
    const result = await transferBlobs(step.kind, step.from, step.to);
    const outputs: StepOutputs = { datastore: result.datastore, path: result.path, files: result.files };
    await moveRun(stepRunId, 'Completed', {
      endedAt: new Date().toISOString(),
      outputs: { destination: { datastore: result.datastore, path: result.path } },
      metrics: { files: result.files },
      details: { ...done.details, stepOutputs: outputs },
    });
    await appendRunLog(context.run.id, [
      {
        key: `step-${input.index}`,
        message:
          `step '${step.name}': ${step.kind === 'move' ? 'moved' : 'copied'} ` +
          `${result.files} file${result.files === 1 ? '' : 's'} from ${from} to ${result.datastore}:${result.path}`,
      },
    ]);
    return { ok: true, outputs };
  } catch (error) {
    const info = toErrorInfo(error);
    await moveRun(stepRunId, 'Failed', { endedAt: new Date().toISOString(), error: info });
    return { ok: false, error: info };
  }
}
