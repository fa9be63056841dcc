/**
 * The host's stdout, written a loop turn at a time: under load every request logs a line, and when
 * stdout is a file or a terminal Node writes synchronously, one system call per line. Lines queued
 * in one turn go out in one write; whatever is queued when the process exits is written then.
 */
let pending: string[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  if (!pending.length) return;
  const text = pending.join('');
  pending = [];
  process.stdout.write(text);
}

export function writeHostLine(line: string): void {
  pending.push(`${line}\n`);
  if (scheduled) return;
  scheduled = true;
  setImmediate(flush);
}

process.on('exit', flush);
