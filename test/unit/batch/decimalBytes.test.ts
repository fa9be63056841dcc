/** Numbers read straight from bytes have exactly the value `Number(text)` gives, or NaN to take the general path. */
import { parseDecimal } from '../../../shared/batch/decimalBytes';

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
