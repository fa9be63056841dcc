/**
 * Starts a run's orchestration through the Durable client under the run's id, with `{ runId }` as
 * its input. A start refused because that instance already exists (a retried start of the same run)
 * counts as started.
 *
 * @example await startRunOrchestration(df.getClient(context), 'pipelineRun', 'pipeline-1');
 */
import type { DurableClient } from 'durable-functions';

export async function startRunOrchestration(
  client: DurableClient,
  orchestration: string,
  runId: string,
): Promise<void> {
  try {
    await client.startNew(orchestration, { instanceId: runId, input: { runId } });
  } catch (error) {
    const existing = await client.getStatus(runId).catch(() => undefined);
    if (!existing?.instanceId) throw error;
  }
}
