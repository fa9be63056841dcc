import { parseConfig } from '../../../shared/config';
import { parseScorerConfig } from '../../../shared/scorerConfig';

const storage = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };

describe("the app's and the scorer's settings, parsed apart", () => {
  it("the scorer needs neither Cosmos DB nor the app's secrets, and reads its own limits", () => {
    const scorer = parseScorerConfig({ ...storage, SIBYL_SCORER_KEY: 'k', SIBYL_SCORER_MAX_MODELS: '3', PORT: '0' });
    expect(scorer).toMatchObject({
      key: 'k',
      maxModels: 3,
      port: 0,
      storage: { kind: 'connectionString' },
      executionProviders: ['cuda', 'cpu'],
    });
    expect(Object.isFrozen(scorer.aad)).toBe(true);
  });

  it('each names every problem of its own settings at once', () => {
    expect(() => parseScorerConfig({ SIBYL_SCORER_MAX_BATCH_SIZE: '0' })).toThrow(
      new RegExp(
        "scorer's configuration is invalid: Storage is not configured" +
          '.*SIBYL_SCORER_MAX_BATCH_SIZE must be a positive integer.*needs SIBYL_SCORER_KEY',
      ),
    );
    expect(() => parseConfig({ ...storage, SIBYL_MAX_REQUEST_BYTES: '-1' })).toThrow(
      /COSMOS_ENDPOINT is not set.*SIBYL_MAX_REQUEST_BYTES must be a positive integer/,
    );
    expect(
      parseConfig({ ...storage, COSMOS_ENDPOINT: 'https://127.0.0.1:8081', SIBYL_SCORER_KEY: 'k' }).scorer.key,
    ).toBe('k');
  });
});
