import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { parseSmtpUrl, smtpPoolOptions } from '../../src/send/transport.js';
import { runMain } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A relay on this machine that offers STARTTLS with a certificate nobody signed (smtp-server's own,
 * as Debian's Postfix offers its "snakeoil" one) is sent to over TLS; a server elsewhere still has
 * its certificate checked.
 */

let fixture: SendFixture | undefined;
let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

describe('a server on this machine with a self-signed certificate', () => {
  it.each(['127.0.0.1', 'localhost'])(
    'is sent to over STARTTLS at %s, every message once',
    async (host) => {
      fixture = await sendFixture(6, { concurrency: 2 });
      const received: { to: string; secure: boolean }[] = [];
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['AUTH'],
        disableReverseLookup: true,
        logger: false,
        onData(stream, session, callback) {
          stream.resume();
          stream.on('end', () => {
            received.push({ to: session.envelope.rcptTo[0]!.address, secure: session.secure });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
      const port = (server.server.address() as AddressInfo).port;
      const { code, err } = await runMain(
        fixture.dir,
        ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'],
        sendEnv(`smtp://${host}:${port}`),
      );
      expect(err).not.toMatch(/certificate/);
      expect(code).toBe(0);
      const project = await fixture.load();
      const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
      expect(received.map((r) => r.to).sort()).toEqual(plan.recipients.map((r) => r.subscriber.email).sort());
      expect(received.every((r) => r.secure)).toBe(true);
    },
    30_000,
  );

  it('is no reason to trust a certificate of a server elsewhere', () => {
    expect(smtpPoolOptions(parseSmtpUrl('smtp://mail.example:587'), { concurrency: 1 })).not.toHaveProperty('tls');
    expect(smtpPoolOptions(parseSmtpUrl('smtp://[::1]:25'), { concurrency: 1 })).toMatchObject({
      tls: { rejectUnauthorized: false },
    });
    // Trusted as this machine only where it connects to this machine, whatever DNS says of the name.
    expect(smtpPoolOptions(parseSmtpUrl('smtps://user:pw@LocalHost:465'), { concurrency: 1 })).toMatchObject({
      host: '127.0.0.1',
      tls: { rejectUnauthorized: false },
    });
  });
});
