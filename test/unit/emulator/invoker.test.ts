import { app } from '@azure/functions';
import { state } from '../../../emulator/core/functionsCore';
import { invoke, triggerBindingName } from '../../../emulator/invoker';

describe('invoker', () => {
  beforeAll(() => {
    app.http('hello', {
      route: 'hello/{name}',
      handler: async (request, context) => {
        context.log('saying hello');
        return {
          status: 201,
          jsonBody: { name: request.params.name, q: request.query.get('q'), body: await request.text() },
        };
      },
    });
  });

  it('runs an HTTP function through the library and returns its RPC response', async () => {
    expect(state.programmingModel).toBeDefined();
    const response = await invoke('hello', [
      {
        name: triggerBindingName('hello'),
        data: {
          http: {
            method: 'POST',
            url: 'http://localhost:7071/hello/world?q=1',
            nullableHeaders: { 'content-type': { value: 'text/plain' } },
            nullableQuery: { q: { value: '1' } },
            nullableParams: { name: { value: 'world' } },
            body: { bytes: Buffer.from('ping') },
          },
        },
      },
    ]);
    const http = response.returnValue?.http;
    expect(http?.statusCode).toBe('201');
    expect(JSON.parse(Buffer.from(http!.body!.bytes!).toString())).toEqual({ name: 'world', q: '1', body: 'ping' });
  });
});
