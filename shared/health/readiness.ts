/** Readiness: Sibyl can serve once its settings are valid and Blob storage and Cosmos DB both answer. */
import { getConfig } from '../config';
import { getBlobServiceClient } from '../storage/blobService';
import { getDatabase } from '../storage/cosmosDatabase';

export interface Readiness {
  ready: boolean;
  checks: { settings: CheckResult; storage: CheckResult; cosmos: CheckResult };
}

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 5000;

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    // The message names the failing dependency, never its credentials.
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: (error as Error).message.split('\n')[0]!.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** How long one readiness answer is reused: a flood of probes costs one storage list and one Cosmos read per second. */
export const READINESS_TTL_MS = 1000;

/** The latest check: `settledAt` is undefined while it runs (callers then share it). */
let last: { settledAt: number | undefined; answer: Promise<Readiness> } | undefined;

/** Readiness, checked at most once per {@link READINESS_TTL_MS} after the last check ended; concurrent callers share one check. */
export function checkReadiness(): Promise<Readiness> {
  const fresh = last && (last.settledAt === undefined || Date.now() - last.settledAt < READINESS_TTL_MS);
  if (!fresh) {
    const entry: { settledAt: number | undefined; answer: Promise<Readiness> } = {
      settledAt: undefined,
      answer: probe(),
    };
    void entry.answer.finally(() => (entry.settledAt = Date.now()));
    last = entry;
  }
  return last!.answer;
}

async function probe(): Promise<Readiness> {
  let settings: CheckResult = { ok: true, ms: 0 };
  try {
    getConfig();
  } catch (error) {
    // The message names every bad setting (never a value that is a secret); the whole of it, so none is cut off.
    settings = { ok: false, ms: 0, error: (error as Error).message };
    const skipped: CheckResult = { ok: false, ms: 0, error: 'not checked: the settings are invalid' };
    return { ready: false, checks: { settings, storage: skipped, cosmos: skipped } };
  }
  const [storage, cosmos] = await Promise.all([
    timed(() => getBlobServiceClient().listContainers().byPage({ maxPageSize: 1 }).next()),
    timed(() => getDatabase().read()),
  ]);
  return { ready: storage.ok && cosmos.ok, checks: { settings, storage, cosmos } };
}
