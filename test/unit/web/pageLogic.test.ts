/**
 * The dashboard's DOM-free logic, without a browser: the example request built from a signature,
 * the minute grid the charts draw, hash routes, the formatting of values, and that no source file
 * parses a string as HTML.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/hostProcess';
import { minuteGrid, sumRequests, toColumns, totals } from '../../../web/src/metrics';
import { concreteShape, exampleRequest, nest, requestUrl } from '../../../web/src/requestBuilder';
import { hashFor, matchRoute, parseHash } from '../../../web/src/router';
import { formatBytes, formatDuration, formatShape, plural, prettyJson } from '../../../web/src/ui/format';
import type { TensorMetadata } from '../../../web/src/api/types';

describe('example requests from a model signature', () => {
  const features = { name: 'features', datatype: 'FP32', shape: [-1, 6] } as const satisfies TensorMetadata;

  it('builds one row of the Azure ML body, nested to the shape', () => {
    expect(exampleRequest([features], 'azureml')).toEqual({ input_data: { features: [[1, 2, 3, 4, 5, 6]] } });
    expect(nest([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3], [1, 2, 2, 3])).toEqual([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [1, 2, 3],
        ],
      ],
    ]);
  });

  it('builds the Open Inference Protocol body with flat data and a concrete shape', () => {
    const body = exampleRequest(
      [features, { name: 'flag', datatype: 'BOOL', shape: [-1] }, { name: 'text', datatype: 'BYTES', shape: [-1, 2] }],
      'oip',
    );
    expect(body).toEqual({
      inputs: [
        { name: 'features', shape: [1, 6], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
        { name: 'flag', shape: [1], datatype: 'BOOL', data: [false] },
        { name: 'text', shape: [1, 2], datatype: 'BYTES', data: ['example 1', 'example 2'] },
      ],
    });
    expect(concreteShape([])).toEqual([1]);
  });

  it('sends Azure ML requests to the scoring route and OIP ones to infer, pinned when asked', () => {
    const endpoint = { name: 'iris', scoringUri: 'http://x/api/endpoints/iris/score' };
    expect(requestUrl(endpoint, 'azureml', 'blue')).toBe('/api/endpoints/iris/score');
    expect(requestUrl(endpoint, 'oip')).toBe('/api/v2/models/iris/infer');
    expect(requestUrl(endpoint, 'oip', 'blue')).toBe('/api/v2/models/iris/versions/blue/infer');
  });
});

describe('chart columns', () => {
  const now = Date.parse('2024-06-01T12:03:30.000Z');
  const point = (time: string, requests: number, p95Ms: number) => ({
    time,
    requests,
    errors: requests > 2 ? 1 : 0,
    p50Ms: 1,
    p95Ms,
    p99Ms: p95Ms + 1,
    meanBatchSize: 2,
  });

  it('fills every minute of the window; empty minutes count 0 requests and have no latency', () => {
    const grid = minuteGrid(4, now);
    expect(grid.map((t) => new Date(t).toISOString())).toEqual([
      '2024-06-01T12:00:00.000Z',
      '2024-06-01T12:01:00.000Z',
      '2024-06-01T12:02:00.000Z',
      '2024-06-01T12:03:00.000Z',
    ]);
    const cols = toColumns([point('2024-06-01T12:01:00.000Z', 3, 7), point('2024-06-01T12:03:00.000Z', 1, 9)], grid);
    expect(cols.requests).toEqual([0, 3, 0, 1]);
    expect(cols.p95).toEqual([null, 7, null, 9]);
    expect(cols.batch).toEqual([null, 2, null, 2]);
  });

  it('sums requests and errors over deployments', () => {
    const grid = minuteGrid(2, now);
    const a = toColumns([point('2024-06-01T12:02:00.000Z', 3, 1)], grid);
    const b = toColumns([point('2024-06-01T12:02:00.000Z', 2, 1), point('2024-06-01T12:03:00.000Z', 4, 1)], grid);
    const sum = sumRequests([a, b], grid);
    expect(sum).toEqual({ requests: [5, 4], errors: [1, 1] });
    expect(totals(sum)).toEqual({ requests: 9, errors: 2 });
  });
});

describe('hash routes', () => {
  const routes = [
    { pattern: '', page: 'overview' },
    { pattern: 'runs', page: 'runs' },
    { pattern: 'runs/:id', page: 'run' },
  ];

  it('matches patterns, decodes segments and reads the query', () => {
    expect(matchRoute(routes, '#/')?.page).toBe('overview');
    expect(matchRoute(routes, '')?.page).toBe('overview');
    const run = matchRoute(routes, '#/runs/a%2Fb?tab=logs');
    expect(run?.params).toEqual({ id: 'a/b' });
    expect(run?.query.get('tab')).toBe('logs');
    expect(matchRoute(routes, '#/nope')).toBeUndefined();
    expect(parseHash('#/runs/%E0%A4%A').segments).toEqual(['runs', '%E0%A4%A']);
  });

  it('builds hashes that round-trip, leaving empty query values out', () => {
    const hash = hashFor(['runs', 'batch/1 2'], { status: 'Failed', experiment: '' });
    expect(hash).toBe('#/runs/batch%2F1%202?status=Failed');
    expect(matchRoute(routes, hash)?.params).toEqual({ id: 'batch/1 2' });
  });
});

describe('formatting', () => {
  it('pretty-prints JSON with rows of plain values on one line', () => {
    expect(
      prettyJson({
        input_data: {
          features: [
            [1, 2],
            [3, 4],
          ],
        },
        ok: true,
        none: [],
      }),
    ).toBe(
      '{\n  "input_data": {\n    "features": [\n      [1, 2],\n      [3, 4]\n    ]\n  },\n  "ok": true,\n  "none": []\n}',
    );
    expect(JSON.parse(prettyJson({ a: [{ b: 'x"y' }, null] }))).toEqual({ a: [{ b: 'x"y' }, null] });
  });

  it('writes durations, sizes, shapes and counts for people', () => {
    expect([formatDuration(850), formatDuration(12_340), formatDuration(245_000), formatDuration(undefined)]).toEqual([
      '850 ms',
      '12.3 s',
      '4 min 05 s',
      '—',
    ]);
    expect([formatBytes(512), formatBytes(1606)]).toEqual(['512 B', '1.57 KB']);
    expect(formatShape([-1, 6])).toBe('[?, 6]');
    expect([plural(1, 'error'), plural(12, 'request')]).toEqual(['1 error', '12 requests']);
  });
});

describe('the dashboard source', () => {
  it('never parses strings as HTML (API values are always text)', () => {
    const dir = path.join(REPO_ROOT, 'web', 'src');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) =>
      /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser)\b/.test(
        fs.readFileSync(path.join(dir, f), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
