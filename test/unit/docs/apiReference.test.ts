import * as fs from 'node:fs';
import * as path from 'node:path';
import { BEGIN_MARKER, END_MARKER, replaceRouteReference } from '../../../shared/api/apiReference';
import { ROUTES } from '../../../shared/api/routes';

const DOC = path.join(__dirname, '..', '..', '..', 'docs', 'api.md');

describe('docs/api.md', () => {
  it('lists exactly the routes of the route table (regenerate: npm run build && node dist/scripts/writeApiReference.js)', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    expect(replaceRouteReference(text, ROUTES)).toBe(text);
  });

  it('names every route once, by its operation id', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const section = text.slice(text.indexOf(BEGIN_MARKER), text.indexOf(END_MARKER));
    for (const route of ROUTES) expect(section.split(`\`${route.operationId}\``)).toHaveLength(2);
  });
});
