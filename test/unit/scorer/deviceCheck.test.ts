/**
 * On the `gpu` compute kind a scorer replica is ready only when the CUDA execution provider is active,
 * and says why not; the provider in use shows in readiness and the OIP metadata. This machine has no
 * CUDA provider installed (the repository's .npmrc skips it), which is exactly the silent-fallback case.
 */
import { parseScorerConfig } from '../../../shared/scorerConfig';
import { checkDevice } from '../../../scorer/deviceCheck';
import { createScorerAuthenticator } from '../../../scorer/scorerAuth';
import { ScorerModels } from '../../../scorer/scorerModels';
import { ScorerServer } from '../../../scorer/scorerServer';

describe('scorer device check', () => {
  it('is not ready on the gpu kind when CUDA fell back to CPU, and says why', async () => {
    const device = await checkDevice({ executionProviders: ['cuda', 'cpu'] }, 'gpu');
    expect(device).toEqual({
      executionProvider: 'cpu',
      ready: false,
      reason: expect.stringMatching(
        /^A gpu deployment needs the CUDA execution provider, which is not active: Running on CPU: .*CUDA/,
      ),
    });
  });

  it('is not ready on the gpu kind when CUDA is not among the providers', async () => {
    const device = await checkDevice({ executionProviders: ['cpu'] }, 'gpu');
    expect(device.ready).toBe(false);
    expect(device.reason).toContain("SIBYL_SCORER_EXECUTION_PROVIDERS is 'cpu', without cuda.");
  });

  it('is ready on CPU for container deployments', async () => {
    expect(await checkDevice({ executionProviders: ['cuda', 'cpu'] }, 'container')).toEqual({
      executionProvider: 'cpu',
      ready: true,
    });
    expect(await checkDevice({ executionProviders: ['cpu'] }, undefined)).toEqual({
      executionProvider: 'cpu',
      ready: true,
    });
  });

  it('answers readiness 503 with the reason, and names the provider in the OIP server metadata', async () => {
    const config = parseScorerConfig({
      AzureWebJobsStorage: process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING,
      SIBYL_SCORER_KEY: 'scorer-test-key',
      PORT: '0',
    });
    const device = await checkDevice({ executionProviders: ['cuda', 'cpu'] }, 'gpu');
    const server = new ScorerServer(config, new ScorerModels(config), createScorerAuthenticator(config), device);
    const port = await server.listen(0, '127.0.0.1');
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/v2/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, execution_provider: 'cpu', reason: device.reason });
      expect((await fetch(`http://127.0.0.1:${port}/v2/health/live`)).status).toBe(200);
      const metadata = await fetch(`http://127.0.0.1:${port}/v2`, {
        headers: { authorization: 'Bearer scorer-test-key' },
      });
      expect(await metadata.json()).toMatchObject({ name: 'sibyl-scorer', execution_provider: 'cpu' });
    } finally {
      await server.close();
    }
  });
});
