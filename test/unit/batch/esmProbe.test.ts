const { createRequire } = process.getBuiltinModule('node:module');
const nativeRequire = createRequire(__filename);
it('loads', () => {
  const w = nativeRequire('hyparquet-writer') as typeof import('hyparquet-writer');
  const h = nativeRequire('hyparquet') as typeof import('hyparquet');
  const buf = w.parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'DOUBLE' }] });
  expect(h.parquetMetadata(buf).num_rows).toBe(3n);
});
