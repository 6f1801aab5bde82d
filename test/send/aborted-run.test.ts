import { describe, expect, it } from 'vitest';
import { abortedRun, smtpUrlHasLogin } from '../../src/send/report.js';

/** What `send` and a scheduled send's wave say of a run the server stopped: by what stopped it. */
describe('an aborted run, told', () => {
  it('a 530 asks for a login, or for the port that offers one when SMTP_URL has it', () => {
    expect(abortedRun('530 5.7.0 Authentication required', false).hint).toMatch(/put the user name and password/);
    expect(abortedRun('530 5.7.0 Authentication required', true).hint).toMatch(/submission port/);
    expect(abortedRun('550 5.7.1 sender rejected', false)).toMatchObject({
      message: expect.stringMatching(/refuses this sender or account/),
      hint: expect.stringMatching(/check the sending account/),
    });
  });

  it('reads whether SMTP_URL names a user, not what follows', () => {
    expect(smtpUrlHasLogin('smtp://ann:p%40ss@mail.example:587')).toBe(true);
    expect(smtpUrlHasLogin('smtps://mail.example:465')).toBe(false);
    expect(smtpUrlHasLogin('smtp://mail.example:25/path@x')).toBe(false);
    expect(smtpUrlHasLogin(undefined)).toBe(false);
  });
});
