import { compileRoute } from '../../../../emulator/http/routeTemplate';
import { Router } from '../../../../emulator/http/router';
import { httpFunction as fn } from './httpFunctionFixture';

const seg = (path: string) => path.split('/').filter(Boolean);

describe('route templates', () => {
  it('captures parameters and matches literals case-insensitively', () => {
    const route = compileRoute('api/models/{name}/versions/{version}');
    expect(route.match(seg('API/Models/iris/versions/3'))).toEqual({ name: 'iris', version: '3' });
    expect(route.match(seg('api/models/iris/versions'))).toBeUndefined();
    expect(route.match(seg('api/models/iris/versions/3/extra'))).toBeUndefined();
  });

  it('applies inline constraints', () => {
    const route = compileRoute('items/{id:int}/{flag:bool}');
    expect(route.match(seg('items/42/true'))).toEqual({ id: '42', flag: 'true' });
    expect(route.match(seg('items/abc/true'))).toBeUndefined();
    expect(route.match(seg('items/99999999999/true'))).toBeUndefined();
    expect(compileRoute('r/{n:range(1,9)}').match(seg('r/10'))).toBeUndefined();
    expect(compileRoute('r/{n:range(1,9)}').match(seg('r/5'))).toEqual({ n: '5' });
    expect(compileRoute('r/{s:minlength(3)}').match(seg('r/ab'))).toBeUndefined();
    expect(compileRoute('r/{s:regex(^a\\d+$)}').match(seg('r/a12'))).toEqual({ s: 'a12' });
    expect(compileRoute('r/{g:guid}').match(seg('r/3f2504e0-4f89-11d3-9a0c-0305e82c3301'))).toBeDefined();
    expect(compileRoute('r/{a:alpha}').match(seg('r/abc1'))).toBeUndefined();
  });

  it('supports optional, default and catch-all parameters', () => {
    const optional = compileRoute('hello/{name?}');
    expect(optional.match(seg('hello'))).toEqual({});
    expect(optional.match(seg('hello/bob'))).toEqual({ name: 'bob' });
    expect(compileRoute('v/{page=1}').match(seg('v'))).toEqual({ page: '1' });
    const rest = compileRoute('files/{*path}');
    expect(rest.match(seg('files/a/b/c.csv'))).toEqual({ path: 'a/b/c.csv' });
    // ASP.NET Core's RoutePatternMatcher: a catch-all "can match any string, including the empty string".
    expect(rest.match(seg('files'))).toEqual({});
    expect(compileRoute('x/{*p:int?}').match(seg('x'))).toEqual({});
  });

  it('matches complex segments and percent-decodes values', () => {
    expect(compileRoute('f/{name}.{ext}').match(seg('f/report.v2.csv'))).toEqual({ name: 'report.v2', ext: 'csv' });
    expect(compileRoute('m/{name}').match(seg('m/hello%20world'))).toEqual({ name: 'hello world' });
  });

  it('refuses malformed templates', () => {
    expect(() => compileRoute('a/{b')).toThrow(/Unclosed/);
    expect(() => compileRoute('a/{*b}/c')).toThrow(/catch-all/);
    expect(() => compileRoute('a/{b:nosuch}')).toThrow(/Unknown route constraint/);
  });
});

describe('router precedence', () => {
  // The host's WebJobsRouteBuilder.RouteComparison, segment by segment on each segment's first part.
  it('orders routes as the host does: literal, then more constraints, then registration order', () => {
    const router = new Router(
      [fn('rest', 'api/{*rest}'), fn('param', 'api/{name}'), fn('int', 'api/{id:int}'), fn('literal', 'api/health')],
      '',
    );
    expect(router.lookup('GET', '/api/health').match?.fn.name).toBe('literal');
    expect(router.lookup('GET', '/api/12').match?.fn.name).toBe('int');
    // A catch-all ranks as a plain parameter: the tie keeps registration order (the host's sort is an
    // insertion sort, so stable, up to 16 routes).
    expect(router.lookup('GET', '/api/iris').match?.fn.name).toBe('rest');
    const swapped = new Router([fn('param', 'api/{name}'), fn('rest', 'api/{*rest}')], '');
    expect(swapped.lookup('GET', '/api/iris').match?.fn.name).toBe('param');
    expect(swapped.lookup('GET', '/api/a/b').match?.fn.name).toBe('rest');
  });

  it('prefers the longer template when one is a prefix of the other', () => {
    const router = new Router([fn('short', 'api/{*rest}'), fn('long', 'api/{name}/x')], '');
    expect(router.lookup('GET', '/api/a/x').match?.fn.name).toBe('long');
    expect(router.lookup('GET', '/api').match?.fn.name).toBe('short');
  });

  it('matches a trailing slash and any casing of literals', () => {
    const router = new Router([fn('models', 'api/Models')], '');
    expect(router.lookup('GET', '/API/models/').match?.fn.name).toBe('models');
  });

  it('reports the methods a path accepts when the method does not match', () => {
    const router = new Router([fn('get', 'api/things', ['GET']), fn('post', 'api/things', ['POST'])], '');
    expect(router.lookup('DELETE', '/api/things/').match).toBeUndefined();
    expect(router.lookup('DELETE', '/api/things').allowedMethods.sort()).toEqual(['GET', 'POST']);
    expect(router.lookup('POST', '/api/things').match?.fn.name).toBe('post');
  });

  it('puts routes under the host.json prefix', () => {
    const router = new Router([fn('hello', 'hello/{name}')], 'api');
    expect(router.lookup('GET', '/api/hello/x').match?.params).toEqual({ name: 'x' });
    expect(router.lookup('GET', '/hello/x').match).toBeUndefined();
  });
});
