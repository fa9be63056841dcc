/** An HTTP function as the host indexes one, for the routing tests: anonymous, its trigger named `t`. */
import type { HttpFunction } from '../../../../emulator/functionCatalog';

export const httpFunction = (name: string, route: string, methods = ['GET']): HttpFunction => ({
  kind: 'http',
  name,
  route,
  methods,
  authLevel: 'anonymous',
  triggerBindingName: 't',
  trigger: { type: 'httpTrigger', direction: 'in' },
});
