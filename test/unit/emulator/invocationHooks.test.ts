import { app } from '@azure/functions';
import { FunctionInvocationError, invoke, triggerBindingName } from '../../../emulator/invoker';

/**
 * Pre- and post-invocation hooks as the Node worker runs them: a pre hook may replace the inputs and
 * the function; a post hook sees the result or the error and may replace either. (The invoker builds
 * hook contexts only when a hook is registered, so these also cover the path with hooks.)
 */
describe('invocation hooks', () => {
  const http = (url: string) => ({
    http: { method: 'GET', url, nullableHeaders: {}, nullableQuery: {}, nullableParams: {} },
  });

  beforeAll(() => {
    app.http('hookEcho', { route: 'hook-echo', handler: () => ({ body: 'original' }) });
    app.http('hookThrows', {
      route: 'hook-throws',
      handler: () => {
        throw new Error('the function failed');
      },
    });
  });

  it('runs a function with no hooks registered', async () => {
    const response = await invoke('hookEcho', [
      { name: triggerBindingName('hookEcho'), data: http('http://localhost/hook-echo') },
    ]);
    expect(Buffer.from(response.returnValue!.http!.body!.bytes!).toString()).toBe('original');
  });

  it('lets a pre hook replace the function and a post hook replace the result or the error', async () => {
    const seen: string[] = [];
    const pre = app.hook.preInvocation((context) => {
      seen.push(`pre ${context.invocationContext.functionName}`);
      if (context.invocationContext.functionName === 'hookEcho') context.functionHandler = () => ({ body: 'pre' });
    });
    const post = app.hook.postInvocation((context) => {
      seen.push(`post ${context.error ? 'error' : 'ok'}`);
      if (context.error) {
        context.error = undefined;
        context.result = { body: 'recovered' };
      }
    });
    try {
      const echoed = await invoke('hookEcho', [
        { name: triggerBindingName('hookEcho'), data: http('http://localhost/hook-echo') },
      ]);
      expect(Buffer.from(echoed.returnValue!.http!.body!.bytes!).toString()).toBe('pre');
      const recovered = await invoke('hookThrows', [
        { name: triggerBindingName('hookThrows'), data: http('http://localhost/hook-throws') },
      ]);
      expect(Buffer.from(recovered.returnValue!.http!.body!.bytes!).toString()).toBe('recovered');
      expect(seen).toEqual(['pre hookEcho', 'post ok', 'pre hookThrows', 'post error']);
    } finally {
      pre.dispose();
      post.dispose();
    }
  });

  it('fails the invocation when the function throws and no hook clears the error', async () => {
    await expect(
      invoke('hookThrows', [{ name: triggerBindingName('hookThrows'), data: http('http://localhost/hook-throws') }]),
    ).rejects.toBeInstanceOf(FunctionInvocationError);
  });
});
