/** A replica's console ring: lines split across chunks, bounded, cut, and redacted before they are kept. */
import { ReplicaLog } from '../../../../emulator/compute/replicaLog';

describe('ReplicaLog', () => {
  it('keeps whole lines of each stream in order, joining chunks and flushing the last one at the end', () => {
    const log = new ReplicaLog('blue-1', []);
    log.write('stdout', 'first li');
    log.write('stderr', 'an error\r\nsecond err');
    log.write('stdout', 'ne\nsecond');
    log.end();
    expect(log.tail(10).map((l) => `${l.replica} ${l.stream} ${l.text}`)).toEqual([
      'blue-1 stderr an error',
      'blue-1 stdout first line',
      'blue-1 stdout second',
      'blue-1 stderr second err',
    ]);
    expect(log.tail(10).every((l) => !Number.isNaN(Date.parse(l.time)))).toBe(true);
  });

  it('keeps only the last lines up to its capacity, and tails fewer on request', () => {
    const log = new ReplicaLog('r', [], 3);
    for (let i = 1; i <= 5; i++) log.write('stdout', `line ${i}\n`);
    expect(log.tail(10).map((l) => l.text)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(log.tail(1).map((l) => l.text)).toEqual(['line 5']);
  });

  it('holds about a megabyte of text at most, dropping the oldest lines', () => {
    const log = new ReplicaLog('r', []);
    for (let i = 0; i < 1000; i++) log.write('stdout', `${i} ${'z'.repeat(4000)}\n`);
    const kept = log.tail(5000);
    expect(kept.reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(1_000_000);
    expect(kept.at(-1)!.text.startsWith('999 ')).toBe(true);
    expect(kept[0]!.text.startsWith('0 ')).toBe(false);
  });

  it('redacts a secret before cutting a long line, so no prefix of it is left', () => {
    const secret = 's3cret-value-that-straddles-the-cut';
    const log = new ReplicaLog('r', [secret]);
    log.write('stdout', `${'x'.repeat(4090)}${secret}\n`);
    const [line] = log.tail(1);
    expect(line!.text).not.toContain('s3cret');
    expect(line!.text).toMatch(/…\(cut\)$/);
  });

  it('stores a line that never ends in pieces rather than holding it without bound', () => {
    const log = new ReplicaLog('r', []);
    for (let i = 0; i < 10; i++) log.write('stdout', 'y'.repeat(4096));
    expect(log.tail(10).length).toBeGreaterThanOrEqual(2);
  });
});
