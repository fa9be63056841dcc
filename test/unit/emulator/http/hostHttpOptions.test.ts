import { readHostHttpOptions } from '../../../../emulator/http/hostHttpOptions';

describe("host.json's extensions.http throttle and custom headers", () => {
  it('reads the limits (-1 is no limit, as in the host) and the headers', () => {
    expect(
      readHostHttpOptions({
        maxOutstandingRequests: 200,
        maxConcurrentRequests: -1,
        dynamicThrottlesEnabled: true,
        customHeaders: { 'X-Content-Type-Options': 'nosniff', 'X-Max-Age': 10 },
      }),
    ).toEqual({
      maxOutstandingRequests: 200,
      customHeaders: { 'x-content-type-options': 'nosniff', 'x-max-age': '10' },
    });
    expect(readHostHttpOptions(undefined)).toEqual({ customHeaders: {} });
    expect(readHostHttpOptions({ routePrefix: 'api' })).toEqual({ customHeaders: {} });
  });

  it.each([
    [{ maxConcurrentRequests: 0 }, /maxConcurrentRequests must be a positive integer or -1/],
    [{ maxOutstandingRequests: 1.5 }, /maxOutstandingRequests must be a positive integer or -1/],
    [{ maxOutstandingRequests: '10' }, /maxOutstandingRequests must be a positive integer or -1/],
    [{ dynamicThrottlesEnabled: 'yes' }, /dynamicThrottlesEnabled must be true or false/],
    [{ customHeaders: ['x'] }, /customHeaders must be an object/],
    [{ customHeaders: { 'Bad Name': 'x' } }, /'Bad Name', which is not a header name/],
    [{ customHeaders: { 'X-Split': 'a\r\nSet-Cookie: x=1' } }, /X-Split must be a single-line text value/],
    [{ customHeaders: { 'X-Object': { a: 1 } } }, /X-Object must be a single-line text value/],
  ])('refuses %j with a message naming the setting', (http, message) => {
    expect(() => readHostHttpOptions(http)).toThrow(message);
  });
});
