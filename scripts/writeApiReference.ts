/**
 * Rewrites the generated route reference in docs/api.md from the route table (see shared/api/apiReference.ts).
 * Run after changing a route: `npm run build && node dist/scripts/writeApiReference.js`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceRouteReference } from '../shared/api/apiReference';
import { ROUTES } from '../shared/api/routes';

const file = path.resolve(__dirname, '..', '..', 'docs', 'api.md');
fs.writeFileSync(file, replaceRouteReference(fs.readFileSync(file, 'utf8'), ROUTES));
console.log(`wrote the route reference of ${path.relative(process.cwd(), file)}`);
