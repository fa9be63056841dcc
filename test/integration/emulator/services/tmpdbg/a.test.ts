import * as fs from 'node:fs';
it('a', () => expect(1).toBe(1));
afterAll(() => {
  const t = Date.now();
  process.on('exit', () => fs.writeFileSync(`/tmp/exit-a-${process.pid}.txt`, `exit after ${Date.now() - t}ms`));
});
