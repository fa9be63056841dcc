/** A Durable orchestration's status as the local host's durabletask webhook answers it. */
import type { HostProcess } from './hostProcess';
import { pollUntil } from './poll';

export interface DurableStatus {
  runtimeStatus: string;
  historyEvents?: { EventType: string; FunctionName?: string; Reason?: string }[];
}

export async function durableStatus(host: HostProcess, instanceId: string, history = false): Promise<DurableStatus> {
  const query = `code=${host.functionKey}${history ? '&showHistory=true' : ''}`;
  const url = `${host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?${query}`;
  return (await (await fetch(url)).json()) as DurableStatus;
}

/** Polls until the orchestration `instanceId` is terminated (a canceled run's orchestration ends that way). */
export async function waitTerminated(host: HostProcess, instanceId: string, what: string): Promise<void> {
  await pollUntil(
    async () => (await durableStatus(host, instanceId)).runtimeStatus === 'Terminated',
    `${what} to terminate`,
    30_000,
    100,
  );
}
