/** What the deployment logs redaction takes out of a replica's console lines. */
import { REDACTED, redactLine, secretValuesOf } from '../../../shared/compute/logRedaction';

const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONNECTION =
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};` +
  `BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`;

describe('log redaction', () => {
  const secrets = secretValuesOf({
    SIBYL_SCORER_KEY: 'scorer-key-0123456789abcdef',
    AzureWebJobsStorage: CONNECTION,
    SIBYL_MODEL: 'fraud:3',
    SIBYL_DB_PASSWORD: 'short',
    PATH: '/usr/bin',
  });

  it('knows the secret settings by name, longest first, and leaves short values and other settings alone', () => {
    expect(secrets).toEqual([CONNECTION, 'scorer-key-0123456789abcdef']);
  });

  it("replaces the replica's own secret values wherever they appear", () => {
    expect(redactLine('key=scorer-key-0123456789abcdef!', secrets)).toBe(`key=${REDACTED}!`);
    expect(redactLine(`storage: ${CONNECTION}`, secrets)).toBe(`storage: ${REDACTED}`);
  });

  it.each([
    ['a SAS query', 'GET https://a.blob.core.windows.net/c/b?sv=2024-01-01&se=2026&sig=abc%2Fdef%3D&sp=r', 'abc%2Fdef'],
    ['an AccountKey', `AccountName=other;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`, ACCOUNT_KEY],
    ['a SharedAccessKey', 'Endpoint=sb://ns/;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0c2VjcmV0', 'c2VjcmV0'],
    ['a bearer token', 'authorization: Bearer eyJhbGciOi.eyJzdWIi.sig-_part', 'eyJhbGciOi'],
    ['a functions key header', '{"x-functions-key": "abcdefgh12345678"}', 'abcdefgh12345678'],
    ['a password', 'Server=db;User Id=sa;Password=hunter2hunter2;', 'hunter2hunter2'],
  ])('takes %s out of a line it does not know the secret of', (_what, line, secret) => {
    const out = redactLine(line, []);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('leaves an ordinary line as it is', () => {
    const line = 'Sibyl scorer listening on port 8080 (execution provider: cpu) sig nature=ok';
    expect(redactLine(line, secrets)).toBe(line);
  });
});
