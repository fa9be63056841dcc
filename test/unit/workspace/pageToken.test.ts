import { unwrapPageToken, wrapPageToken } from '../../../shared/workspace/pageToken';

describe('page tokens', () => {
  const cosmosToken = JSON.stringify({
    token: '+RID:abc==#RT:1#TRC:3#RTD:WyIyMDI2Il0=',
    range: { min: '', max: 'FF' },
  });

  it('hand back the Cosmos DB token they wrap, and are safe in a URL as they are', () => {
    const token = wrapPageToken(cosmosToken);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(unwrapPageToken(token)).toBe(cosmosToken);
  });

  it('refuse anything they did not make: garbled, truncated, extended, re-encoded or empty', () => {
    const token = wrapPageToken(cosmosToken);
    const [body, digest] = token.split('.') as [string, string];
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}.${digest}`;
    for (const bad of [
      '',
      'garbage',
      cosmosToken,
      flipped,
      token.slice(0, -1),
      `${token}x`,
      `${body.slice(0, -4)}.${digest}`,
      `${body}.${digest}.${digest}`,
      `${Buffer.from(cosmosToken).toString('base64')}.${digest}`,
    ])
      expect(unwrapPageToken(bad)).toBeUndefined();
  });
});
