/** Numbers read straight from bytes have exactly the value `Number(text)` gives, or NaN to take the general path. */
import { parseDecimal, scanDecimal, scanned } from '../../../shared/batch/decimalBytes';

const read = (text: string): number => parseDecimal(Buffer.from(`,${text},`), 1, 1 + Buffer.byteLength(text));

describe('parseDecimal', () => {
  it.each([
    '0',
    '-0',
    '+7',
    '42',
    '-1.25',
    '.5',
    '5.',
    '0.000123',
    '1e5',
    '1E-5',
    '-2.5e+3',
    '007.50',
    '123456789012345',
    '0.1',
    '1e-7',
  ])('agrees with Number() on plain decimals of every shape: %s', (text) => {
    expect(Object.is(read(text), Number(text))).toBe(true);
  });

  it('agrees with Number() over many random decimals, near ties included', () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 100_000; i++) {
      const digits = String(next())
        .padStart(10, '0')
        .slice(0, 1 + (next() % 10));
      const point = next() % (digits.length + 1);
      const sign = next() % 2 ? '-' : '';
      const exponent = next() % 3 === 0 ? `e${(next() % 30) - 15}` : '';
      const text = `${sign}${digits.slice(0, point)}.${digits.slice(point)}${exponent}`;
      const value = read(text);
      if (!Number.isNaN(value) && !Object.is(value, Number(text)))
        expect(`${text} → ${value}`).toBe(`${text} → ${Number(text)}`);
      if (Number.isNaN(value)) expect(Math.abs(Number(text.split('e')[1] ?? 0))).toBeGreaterThan(0);
    }
  });

  it('answers NaN for what the general reader must handle', () => {
    for (const text of [
      '',
      ' 1',
      '1 ',
      'nan',
      'NaN',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      '0x10',
      '1,5',
      'Infinity',
      '1234567890123456',
      '1e400',
      '1e-30',
      '3.4028235e38',
    ]) {
      expect(read(text)).toBeNaN();
    }
  });
});

/** What a float32 input holds after reading `text` the general way. */
const float32Of = (text: string): number => Math.fround(Number(text));

/** `scanDecimal` for a float32 destination, with the cell's end checked: NaN means "read it the general way". */
function readFloat32(text: string): number {
  const bytes = Buffer.from(`${text},`);
  const value = scanDecimal(bytes, 0, bytes.length, true);
  if (value === value) expect(scanned.end).toBe(text.length);
  return value;
}

describe('scanDecimal', () => {
  it('stops at the first byte that cannot continue the number', () => {
    const bytes = Buffer.from('-1.5e2,7;x');
    expect(scanDecimal(bytes, 0, bytes.length)).toBe(-150);
    expect(scanned.end).toBe(6);
    expect(scanDecimal(bytes, 7, bytes.length)).toBe(7);
    expect(scanned.end).toBe(8);
    expect(scanDecimal(bytes, 9, bytes.length)).toBeNaN();
    expect(scanned.end).toBe(9);
  });

  it('reads doubles printed in full into float32 exactly as Number() then float32 rounding', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let fast = 0;
    for (let i = 0; i < 50_000; i++) {
      const x = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6);
      for (const text of [String(x), x.toPrecision(16), x.toPrecision(17), x.toPrecision(19)]) {
        const value = readFloat32(text);
        if (value !== value) continue;
        fast++;
        if (!Object.is(Math.fround(value), float32Of(text))) expect(`${text} → ${value}`).toBe(float32Of(text));
      }
    }
    // Most take the fast path (not: values at a float32 rounding boundary, 17 digits below 10⁻⁶).
    expect(fast).toBeGreaterThan(170_000);
  });

  it('leaves values at a float32 rounding boundary to the general reader, or reads them right', () => {
    const pair = new Float32Array(2);
    const bits = new Uint32Array(pair.buffer);
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 20_000; i++) {
      bits[0] = next() % 0x7f000000;
      bits[1] = bits[0] + 1;
      // The exact midpoint between two float32s, and doubles just beside it.
      const middle = (pair[0]! + pair[1]!) / 2;
      for (const x of [middle, middle * (1 + 2 ** -52), middle * (1 - 2 ** -52), middle * (1 + 1e-12)]) {
        for (const text of [String(x), x.toPrecision(17), x.toPrecision(19)]) {
          const value = readFloat32(text);
          if (value === value && !Object.is(Math.fround(value), float32Of(text)))
            expect(`${text} → ${value}`).toBe(float32Of(text));
        }
      }
    }
  });

  it('still refuses what it cannot read for float32: 20+ digits, far exponents, junk', () => {
    for (const text of ['12345678901234567890', '1e30', '1e-30', '', '-', 'nan']) {
      expect(readFloat32(text)).toBeNaN();
    }
    // A number followed by junk is read up to the junk; the caller sees that the cell does not end there.
    const junk = Buffer.from('0x1,');
    expect(scanDecimal(junk, 0, junk.length, true)).toBe(0);
    expect(scanned.end).toBe(1);
    expect(Math.fround(readFloat32('1234567890123456789'))).toBe(float32Of('1234567890123456789'));
  });
});
