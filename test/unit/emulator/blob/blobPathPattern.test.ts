import { compileBlobPathPattern } from '../../../../emulator/blob/blobPathPattern';

describe('compileBlobPathPattern', () => {
  it('splits the container from the blob pattern and gives the literal prefix for listing', () => {
    const p = compileBlobPathPattern('uploads/incoming/{name}.csv');
    expect(p).toMatchObject({ container: 'uploads', prefix: 'incoming/', parameters: ['name'] });
    expect(compileBlobPathPattern('models/{name}/{version}/model.onnx').prefix).toBe('');
    expect(compileBlobPathPattern('data/fixed.json').prefix).toBe('fixed.json');
  });

  it('captures greedily, across slashes, anchored at both ends', () => {
    const p = compileBlobPathPattern('uploads/{name}.{ext}');
    expect(p.match('a.b.csv')).toEqual({ name: 'a.b', ext: 'csv' });
    expect(p.match('dir/sub/report.csv')).toEqual({ name: 'dir/sub/report', ext: 'csv' });
    expect(p.match('noextension')).toBeUndefined();
    const csv = compileBlobPathPattern('uploads/in/{name}.csv');
    expect(csv.match('in/x.csv')).toEqual({ name: 'x' });
    expect(csv.match('in/x.csv.bak')).toBeUndefined();
    expect(csv.match('other/in/x.csv')).toBeUndefined();
    expect(csv.match('in/.csv')).toEqual({ name: '' });
  });

  it('is case-sensitive and treats regex characters as literals', () => {
    const p = compileBlobPathPattern('data/v1.0+(beta)/{name}.csv');
    expect(p.match('v1.0+(beta)/x.csv')).toEqual({ name: 'x' });
    expect(p.match('v1x0+(beta)/x.csv')).toBeUndefined();
    expect(p.match('v1.0+(beta)/x.CSV')).toBeUndefined();
  });

  it('reads {{ and }} as literal braces', () => {
    const p = compileBlobPathPattern('data/{{literal}}/{name}');
    expect(p.prefix).toBe('{literal}/');
    expect(p.parameters).toEqual(['name']);
    expect(p.match('{literal}/x')).toEqual({ name: 'x' });
    expect(p.match('literal/x')).toBeUndefined();
  });

  it('matches a pattern without parameters only on the exact name', () => {
    const p = compileBlobPathPattern('data/exact.txt');
    expect(p.match('exact.txt')).toEqual({});
    expect(p.match('exact.txt2')).toBeUndefined();
  });

  it.each([
    ['uploads', "expected 'container/blobPattern'"],
    ['/x', "expected 'container/blobPattern'"],
    ['uploads/', 'the blob name pattern is empty'],
    ['{c}/x', 'the container name cannot hold parameters'],
    ['Up_loads/x', "'Up_loads' is not a valid container name"],
    ['uploads/{name', "unclosed '{' at 1"],
    ['uploads/a}b', "unmatched '}' at 2"],
    ['uploads/{}', "'{}' is not a parameter name"],
    ['uploads/{a b}', "'{a b}' is not a parameter name"],
    ['uploads/{x}-{x}', "parameter '{x}' appears twice"],
  ])('rejects %p', (path, message) => {
    expect(() => compileBlobPathPattern(path)).toThrow(`Invalid blob trigger path '${path}': ${message}`);
  });
});
