/** The scorer's shared-key check: the exact header the app sends, and every other spelling the rule allows. */
import { createScorerAuthenticator } from '../../../scorer/scorerAuth';
import { parseScorerConfig } from '../../../shared/scorerConfig';

const KEY = 'k3y-0123456789abcdefghijklmnopqrstu';
const authenticate = createScorerAuthenticator(
  parseScorerConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', SIBYL_SCORER_KEY: KEY }),
);

describe('scorer key authentication', () => {
  it('accepts the key, synchronously, as the app sends it and in other Bearer spellings', async () => {
    expect(authenticate(`Bearer ${KEY}`)).toBe(true);
    expect(await authenticate(`bearer ${KEY}`)).toBe(true);
    expect(await authenticate(`Bearer   ${KEY}`)).toBe(true);
  });

  it('refuses a wrong key of the same length, another key, and no credential', async () => {
    const sameLength = `Bearer ${KEY.slice(0, -1)}X`;
    expect(await authenticate(sameLength)).toBe(false);
    expect(await authenticate(`Bearer ${KEY}x`)).toBe(false);
    expect(await authenticate(`Basic ${KEY}`)).toBe(false);
    expect(await authenticate(undefined)).toBe(false);
    expect(await authenticate('')).toBe(false);
  });
});
