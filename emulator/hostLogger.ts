/** The host's console output: one place decides format and level. */
import { writeHostLine } from './hostOutput';

export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface HostLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ORDER: Record<HostLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let stampMs = NaN;
let stampText = '';

/** The current time's ISO text, made once per millisecond: under load every request logs a line. */
function timestamp(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stampText = new Date(now).toISOString();
  }
  return stampText;
}

export function createHostLogger(minimum: HostLogLevel, write: (line: string) => void = writeHostLine): HostLogger {
  const at = (level: HostLogLevel) => (message: string) => {
    if (ORDER[level] >= ORDER[minimum])
      write(`[${timestamp()}] ${level === 'info' ? '' : `${level.toUpperCase()}: `}${message}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: HostLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
