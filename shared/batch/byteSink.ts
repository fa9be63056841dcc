/**
 * A growable byte buffer that output lines are written into directly (digits, ASCII, UTF-8), so
 * batch output never exists as per-value strings; its bytes are staged as a block as they are.
 *
 * @example const sink = new ByteSink(); sink.uint(42); sink.byte(10); sink.bytes() // <Buffer 34 32 0a>
 */
export class ByteSink {
  private buffer: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for `more` bytes after `length`. */
  reserve(more: number): Buffer {
    const need = this.length + more;
    if (need > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return this.buffer;
  }

  byte(value: number): void {
    this.reserve(1)[this.length++] = value;
  }

  /** A string of code points below 128 (numbers, `NaN`, `Infinity`). */
  ascii(text: string): void {
    const out = this.reserve(text.length);
    for (let i = 0; i < text.length; i++) out[this.length + i] = text.charCodeAt(i);
    this.length += text.length;
  }

  utf8(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The decimal digits of a non-negative integer below 2^53. */
  uint(value: number): void {
    let digits = 1;
    for (let p = 10; p <= value && digits < 16; p *= 10) digits++;
    const out = this.reserve(digits);
    let at = this.length + digits;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      out[--at] = 48 + rest - next * 10;
      rest = next;
    } while (rest > 0);
    this.length += digits;
  }

  /** The bytes written (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}
