/** The start banner: where Sibyl listens, the function key, every function, and a curl that works. */
import type { FunctionDescriptor } from './functionCatalog';

export interface BannerInput {
  baseUrl: string;
  functionKey: string;
  authEnabled: boolean;
  dataDir: string;
  functions: FunctionDescriptor[];
  routePrefix: string;
  services: string[];
  /** A ready-to-paste command that exercises the app (the demo's scoring call, when deployed). */
  tryIt?: string;
  /**
   * Show keys in full. The host passes `stdout.isTTY || SIBYL_SHOW_KEYS`: a banner on a terminal is for
   * the person at it, while one going to a file or a log collector must not carry live keys.
   */
  showKeys: boolean;
}

/** The first characters of a secret and an ellipsis: enough to tell keys apart, useless to a reader of the log. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…(masked; set SIBYL_SHOW_KEYS=1 to show)`;
}

/** `tryIt` with its bearer credential masked. */
function maskBearer(command: string): string {
  return command.replace(
    /(Bearer )([^"'\s]+)/g,
    (_, prefix: string, secret: string) => `${prefix}${maskSecret(secret)}`,
  );
}

function describe(fn: FunctionDescriptor, baseUrl: string, routePrefix: string): string {
  switch (fn.kind) {
    case 'http': {
      const route = [routePrefix, fn.route].filter(Boolean).join('/');
      return `${fn.name}: [${fn.methods.join(',')}] ${baseUrl}/${route}${fn.authLevel === 'anonymous' ? '' : `  (${fn.authLevel} key)`}`;
    }
    case 'timer':
      return `${fn.name}: timerTrigger (${fn.schedule})`;
    case 'blob':
      return `${fn.name}: blobTrigger (${fn.path}, source ${fn.source})`;
    case 'eventGrid':
      return `${fn.name}: eventGridTrigger (storage BlobCreated events, by polling)`;
    case 'orchestration':
      return `${fn.name}: orchestrationTrigger`;
    case 'activity':
      return `${fn.name}: activityTrigger`;
    default:
      return `${fn.name}: ${fn.trigger.type}`;
  }
}

/** The function key as the banner shows it: masked unless asked to show keys. */
function shownFunctionKey(input: BannerInput): string {
  if (!input.authEnabled) return '(auth disabled: SIBYL_DISABLE_AUTH)';
  return input.showKeys ? input.functionKey : maskSecret(input.functionKey);
}

export function renderBanner(input: BannerInput): string {
  const lines = [
    '',
    '  Sibyl is running (local Azure Functions host)',
    '',
    `  URL           ${input.baseUrl}`,
    `  Function key  ${shownFunctionKey(input)}`,
    `  Data          ${input.dataDir}`,
    `  Services      ${input.services.join('; ')}`,
    '',
    '  Functions:',
    ...input.functions.map((fn) => `    ${describe(fn, input.baseUrl, input.routePrefix)}`),
    '',
    '  Try it:',
    `    curl ${input.baseUrl}/api/v2/health/ready`,
    ...(input.tryIt ? [`    ${input.showKeys ? input.tryIt : maskBearer(input.tryIt)}`] : []),
    '',
    '  Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}
