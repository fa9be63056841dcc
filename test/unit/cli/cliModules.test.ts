/** The CLI's DOM- and network-free modules: argument parsers, CSV input, request bodies, answers as tables, failures. */
import { InvalidArgumentError } from 'commander';
import { ApiError } from '../../../shared/portable/apiClient';
import { describeFailure, EXIT, JobOutcomeError, UsageError } from '../../../cli/core/cliErrors';
import { parseCsv } from '../../../cli/core/csvRows';
import {
  intArg,
  parameterValue,
  parseDatastorePath,
  parseDeploymentRef,
  parseKeyValues,
  wholeNumber,
} from '../../../cli/core/parseArgs';
import { predictionTable } from '../../../cli/core/predictionTable';
import { azureMlBody, dataFormat, oipBodyFromCsv } from '../../../cli/core/scoringBody';

describe('parseCsv (score --data FILE.csv)', () => {
  it('reads a header and typed rows, with quotes, CRLF and empty fields', () => {
    expect(parseCsv('a,b,c,d\r\n1,"x, ""y""",true,\r\n-2.5e1,plain,false,0\r\n')).toEqual({
      columns: ['a', 'b', 'c', 'd'],
      data: [
        [1, 'x, "y"', true, null],
        [-25, 'plain', false, 0],
      ],
    });
  });

  it('refuses ragged rows, a header alone and an open quote', () => {
    expect(() => parseCsv('a,b\n1\n')).toThrow(/row 1 has 1 fields; the header has 2/);
    expect(() => parseCsv('a,b\n')).toThrow(/no data rows/);
    expect(() => parseCsv('a\n"open\n')).toThrow(/quoted field/);
  });
});

describe('argument parsers', () => {
  it('ENDPOINT/DEPLOYMENT and DATASTORE:PATH', () => {
    expect(parseDeploymentRef('iris/blue')).toEqual({ endpoint: 'iris', deployment: 'blue' });
    expect(() => parseDeploymentRef('iris')).toThrow(UsageError);
    expect(parseDatastorePath('ws:/in/a.csv')).toEqual({ datastore: 'ws', path: 'in/a.csv' });
    expect(() => parseDatastorePath('ws:')).toThrow(/not DATASTORE:PATH/);
    expect(parseDatastorePath('ws:', { allowEmptyPath: true })).toEqual({ datastore: 'ws', path: '' });
  });

  it('KEY=VALUE pairs and parameter values', () => {
    expect(parseKeyValues(['a=1', 'b=x=y'], '--tag')).toEqual({ a: '1', b: 'x=y' });
    expect(() => parseKeyValues(['=1'], '--tag')).toThrow("--tag '=1' is not KEY=VALUE.");
    expect(['5', '0.5', 'true', 'false', 'x', '1e3'].map(parameterValue)).toEqual([5, 0.5, true, false, 'x', 1000]);
  });

  it('whole numbers in range, as positionals and as option values', () => {
    expect(wholeNumber(' 3 ', 'version', 1)).toBe(3);
    expect(() => wholeNumber('0', 'version', 1)).toThrow('version must be a whole number from 1');
    expect(intArg(1, 10)('10')).toBe(10);
    expect(() => intArg(1, 10)('11')).toThrow(InvalidArgumentError);
    expect(() => intArg(1)('1.5')).toThrow('Not a whole number.');
  });
});

describe('scoring bodies from CSV', () => {
  const csv = parseCsv('a,b\n1,2\n3,4\n');

  it("Azure ML's columns and data, and the format from the name or the text", () => {
    expect(azureMlBody(csv)).toEqual({
      input_data: {
        columns: ['a', 'b'],
        data: [
          [1, 2],
          [3, 4],
        ],
      },
    });
    expect(dataFormat('rows.CSV', '{')).toBe('csv');
    expect(dataFormat('-', ' [1]')).toBe('json');
    expect(dataFormat('-', 'a,b')).toBe('csv');
  });

  it('OIP: one tensor per named column, or the whole table for a single input', () => {
    const named = oipBodyFromCsv(csv, [
      { name: 'a', datatype: 'FP32', shape: [-1] },
      { name: 'b', datatype: 'INT32', shape: [-1, 1] },
    ]);
    expect(named).toEqual({
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [2], data: [1, 3] },
        { name: 'b', datatype: 'INT32', shape: [2, 1], data: [2, 4] },
      ],
    });
    const whole = oipBodyFromCsv(csv, [{ name: 'x', datatype: 'FP64', shape: [-1, 2] }]);
    expect(whole).toEqual({ inputs: [{ name: 'x', datatype: 'FP64', shape: [2, 2], data: [1, 2, 3, 4] }] });
    expect(() => oipBodyFromCsv(parseCsv('a\nyes\n'), [{ name: 'a', datatype: 'FP32', shape: [-1] }])).toThrow(
      "row 1, column a: 'yes' is not a number",
    );
  });
});

describe('answers as tables', () => {
  it('renders Azure ML arrays and OIP outputs, one row per prediction', () => {
    expect(predictionTable([0.5, 1])).toMatch(/prediction/);
    const oip = predictionTable({ outputs: [{ name: 'label', shape: [2], datatype: 'INT64', data: [1, 0] }] });
    expect(oip?.split('\n').filter((l) => /\b[01]\b/.test(l))).toHaveLength(2);
    expect(predictionTable('text')).toBeUndefined();
  });
});

describe('failures as one line and an exit code', () => {
  it('API errors exit 1, usage errors 2, failed jobs 3', () => {
    expect(describeFailure(new ApiError(404, 'ModelNotFound', 'no\nsuch model'))).toEqual({
      line: 'error ModelNotFound (HTTP 404): no such model',
      exitCode: EXIT.api,
    });
    expect(describeFailure(new ApiError(400, 'HTTP 400', 'bad tensor'))).toEqual({
      line: 'error HTTP 400: bad tensor',
      exitCode: 1,
    });
    expect(describeFailure(new UsageError('bad flag'))).toEqual({ line: 'error: bad flag', exitCode: 2 });
    expect(describeFailure(new JobOutcomeError('job Failed'))).toEqual({ line: 'error: job Failed', exitCode: 3 });
  });
});
