import { routeOf } from '../../../../emulator/functionCatalog';
import { checkHttpFunctions } from '../../../../emulator/http/httpRouteChecks';
import { httpFunction as fn } from './httpFunctionFixture';

describe('HTTP functions as the host indexes them', () => {
  // ScriptHost.ValidateHttpFunction / WebScriptHostHttpRoutesManager: an empty route becomes the function's name.
  it('serves a missing, empty or blank route at the function name', () => {
    expect(routeOf(undefined, 'dashboard')).toBe('dashboard');
    expect(routeOf('', 'dashboard')).toBe('dashboard');
    expect(routeOf('  ', 'dashboard')).toBe('dashboard');
    expect(routeOf('{page?}', 'dashboard')).toBe('{page?}');
  });

  // ValidateHttpFunction: routes starting with admin or runtime conflict with built-in routes (by prefix).
  it('does not load functions whose route is in the host space, and keeps the others', () => {
    const { accepted, rejected } = checkHttpFunctions([
      fn('a', '/Admin/x'),
      fn('b', 'runtime/y'),
      fn('c', 'administration'),
      fn('d', 'api/ok'),
    ]);
    expect(accepted.map((f) => f.name)).toEqual(['d']);
    expect(rejected.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(rejected[0]!.reason).toBe('The specified route conflicts with one or more built in routes.');
  });

  // ValidateFunction + HttpRoutesConflict: same route (trimmed, any casing) and a method in common.
  it('does not load a function whose route and methods clash with an earlier one', () => {
    const { accepted, rejected } = checkHttpFunctions([
      fn('get', 'api/things'),
      fn('post', '/API/Things/', ['POST']),
      fn('clash', 'api/things', ['POST', 'GET']),
    ]);
    expect(accepted.map((f) => f.name)).toEqual(['get', 'post']);
    expect(rejected).toEqual([
      { name: 'clash', reason: "The route specified conflicts with the route defined by function 'get'." },
    ]);
  });
});
