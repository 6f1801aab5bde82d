import { afterEach, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../send/_raw-smtp.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The preview's "send me a test" tells what `send --test` prints beside its outcome: here, that
 * the server offered no login, so the user name and password of SMTP_URL were not used.
 */

let fixture: PreviewFixture | undefined;
let server: RawServer | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  await server?.close();
  server = undefined;
});

async function testSend(f: PreviewFixture) {
  const response = await fetch(new URL('/__test-send', f.preview.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': f.preview.token },
    body: JSON.stringify({ to: 'editor@example.net', kind: 'variant', key: 'editor' }),
  });
  return { status: response.status, body: (await response.json()) as { message?: string; error?: string } };
}

describe('a test send from the preview to a server that offers no login', () => {
  it('is sent, and the page and the terminal both say the credentials went unused', async () => {
    // EHLO refused: the session is greeted with HELO, which offers no AUTH (RFC 4954).
    server = await startRawServer({
      command: (line) => (/^EHLO/i.test(line) ? '502 5.5.2 Error: command not recognized\r\n' : undefined),
    });
    fixture = await startFixture({ env: { SMTP_URL: server.url({ user: 'ann', pass: 's3cretpw' }) } });
    const { status, body } = await testSend(fixture);
    expect(status, body.error).toBe(200);
    expect(body.message).toMatch(/^Test sent to editor@example\.net through smtp:\/\//);
    expect(body.message).toMatch(/offers no login \(AUTH\), so the user name and password in SMTP_URL were not used/);
    expect(body.message).not.toContain('s3cretpw');
    expect(fixture.logs.join('\n')).toMatch(/offers no login \(AUTH\)/);
    expect(server.commands.filter((line) => /^AUTH/i.test(line))).toEqual([]);
    expect(server.messages.map((m) => m.to)).toEqual([['editor@example.net']]);
  }, 20_000);

  it('with no credentials in SMTP_URL, nothing is said of a login', async () => {
    server = await startRawServer();
    fixture = await startFixture({ env: { SMTP_URL: server.url() } });
    const { status, body } = await testSend(fixture);
    expect(status, body.error).toBe(200);
    expect(body.message).not.toMatch(/warning/);
    expect(server.messages).toHaveLength(1);
  }, 20_000);
});
