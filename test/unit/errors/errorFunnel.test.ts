/** The error funnel: client faults keep their message; a 5xx never leaks detail, a settings 503 names only the settings. */
import { SettingsError, SibylError, toErrorBody } from '../../../shared/errors';

describe('toErrorBody', () => {
  it('keeps the message of a client fault', () => {
    const answer = toErrorBody(new SibylError('InvalidInput', 'row 3 is short'), 'req-1');
    expect(answer).toMatchObject({
      status: 400,
      isClientFault: true,
      body: { error: { code: 'InvalidInput', message: 'row 3 is short' } },
    });
  });

  it('answers a 5xx with a generic message and the request id, keeping Retry-After', () => {
    const answer = toErrorBody(
      new SibylError('ServiceUnavailable', 'SIBYL_SCORER_KEY rejected by 10.0.0.4', undefined, { 'Retry-After': '5' }),
      'req-2',
    );
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ 'Retry-After': '5' });
    expect(answer.body.error.message).toContain('req-2');
    expect(answer.body.error.message).not.toMatch(/SIBYL_SCORER_KEY|10\.0\.0\.4/);
    expect(toErrorBody(new Error('at /home/app/secret.ts'), 'req-3').body.error.message).not.toMatch(/secret/);
  });

  it('names the settings at fault in a settings 503, never their values', () => {
    const error = new SettingsError([
      "SIBYL_SCHEDULER_CRON must be a six-field NCRONTAB schedule, got 'hunter2'.",
      'SIBYL_TOKEN_SIGNING_KEY is an unresolved Key Vault reference.',
    ]);
    const answer = toErrorBody(error, 'req-4');
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(/SIBYL_SCHEDULER_CRON, SIBYL_TOKEN_SIGNING_KEY/);
    expect(answer.body.error.message).not.toContain('hunter2');
    expect(answer.body.error.message).toContain('req-4');
  });
});
