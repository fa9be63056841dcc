/**
 * Container Apps' console log stream, read once (not followed): each replica container reports a
 * `logStreamEndpoint`; a GET on it with `follow=false&tailLines=N&output=json`, authorised by the
 * app's `getAuthToken` token, answers the container's last lines as JSON objects, one per line
 * (`{"TimeStamp": "…", "Log": "…"}`). This is what `az containerapp logs show` reads; it needs no
 * Log Analytics workspace and has the lines as soon as the replica wrote them.
 */
import type { ReplicaLogLine } from '../computeTypes';
import { redactLine } from '../logRedaction';

/** The log stream serves at most this many past lines per container. */
export const LOG_STREAM_MAX_TAIL = 300;

/** The log stream URL of one container for the last `lines` lines (the endpoint's own query is kept). */
export function logStreamUrl(endpoint: string, lines: number): string {
  const url = new URL(endpoint);
  url.searchParams.set('follow', 'false');
  url.searchParams.set('output', 'json');
  url.searchParams.set('tailLines', String(Math.min(Math.max(lines, 1), LOG_STREAM_MAX_TAIL)));
  return url.toString();
}

interface StreamEntry {
  TimeStamp?: string;
  Log?: string;
  Stream?: string;
}

/**
 * The answer of one container's log stream as log lines of `replica`, redacted. The stream does not
 * say which of stdout and stderr a line came from unless the entry names it; those are `stdout`.
 */
export function parseLogStream(body: string, replica: string, secrets: readonly string[]): ReplicaLogLine[] {
  const out: ReplicaLogLine[] = [];
  for (const raw of body.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    let entry: StreamEntry | undefined;
    try {
      const parsed = JSON.parse(raw) as StreamEntry | null;
      if (parsed && typeof parsed === 'object' && typeof parsed.Log === 'string') entry = parsed;
    } catch {
      entry = undefined;
    }
    const time = entry?.TimeStamp ? new Date(entry.TimeStamp) : undefined;
    out.push({
      replica,
      stream: entry?.Stream === 'stderr' ? 'stderr' : 'stdout',
      time: time && !Number.isNaN(time.getTime()) ? time.toISOString() : '',
      text: redactLine(entry?.Log ?? raw, secrets).replace(/\r?\n$/, ''),
    });
  }
  return out;
}
