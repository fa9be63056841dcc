import { CsvError, csvRecords, parseCsvLine, readCsvCell } from '../../../shared/portable/csv';
import { textCell } from '../../../shared/batch/cellValues';
import { parseCsv } from '../../../cli/core/csvRows';
import { oipBodyFromCsv } from '../../../cli/core/scoringBody';

describe('CSV records', () => {
  it('one per line, LF or CRLF, blank lines skipped, a byte-order mark dropped', () => {
    expect(csvRecords('\uFEFFa,b\r\n\r\n1,"x, ""y"""\n2,\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', 'x, "y"'] },
      { line: 4, fields: ['2', ''] },
    ]);
  });

  it('refuses a quoted field that spans lines and a quote inside an unquoted field, naming the line', () => {
    expect(() => csvRecords('a\n"open\nclose"\n')).toThrow(
      new CsvError('CSV line 2: a quoted field is not closed (fields may not span lines)'),
    );
    expect(() => parseCsvLine('a,b"c')).toThrow(/a quote inside an unquoted field at column 3/);
    expect(() => parseCsvLine('"a"b')).toThrow(/unexpected character after a quoted field/);
  });
});

describe('CSV cells', () => {
  it('without a datatype: empty is null, wide integers keep their digits', () => {
    expect(['', '  ', '1', '-2.5e1', '.5', 'true', 'false', 'x y'].map(readCsvCell)).toEqual([
      null,
      null,
      1,
      -25,
      0.5,
      true,
      false,
      'x y',
    ]);
    expect(readCsvCell('9007199254740993')).toBe('9007199254740993');
    expect(readCsvCell('+9007199254740993')).toBe('9007199254740993');
    expect(readCsvCell('9007199254740991')).toBe(9007199254740991);
  });

  it('the CLI and batch scoring agree: an empty float cell is NaN, INT64 digits are kept', () => {
    const csv = parseCsv('f,i\n,9007199254740993\n1.5,2\n');
    const body = oipBodyFromCsv(csv, [
      { name: 'f', datatype: 'FP32', shape: [-1] },
      { name: 'i', datatype: 'INT64', shape: [-1] },
    ]) as { inputs: Array<{ data: unknown[] }> };
    expect(body.inputs.map((i) => i.data)).toEqual([
      ['NaN', 1.5],
      ['9007199254740993', 2],
    ]);
    expect(textCell('FP32')('')).toBeNaN();
    expect(textCell('INT64')('9007199254740993')).toBe('9007199254740993');
  });
});
