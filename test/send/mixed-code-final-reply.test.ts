import { describe, expect, it } from 'vitest';
import { openStateDb, readStatus } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { type GeneratedSubscriber, type SendFixture, sendFixture, sendFixtureTo } from './_fixture.js';
import { type RawAnswer, type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * The lines of one SMTP reply carry one code (RFC 5321 4.2.1). A reply to the end of a message whose
 * lines say two things ("250-queued" then "550 refused") cannot tell whether the server took it: that
 * reader is deferred as "may have been delivered", neither recorded sent nor failed, and the others go.
 * So is one whose only code is a 2xx other than 250, the one reply that says a message was taken.
 */

const opened = perTest<{ server: RawServer; fixture: SendFixture }>(['server', 'fixture']);
const reader = (email: string): GeneratedSubscriber => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' });
const LIST = ['ann@example.com', 'bob@example.com', 'cy@example.com'];

async function send(annReply: RawAnswer) {
  opened.fixture = await sendFixture(0, {}, LIST.map(reader));
  opened.server = await startRawServer({
    dataEnd: (_session, message) => (message.to[0] === 'ann@example.com' ? annReply : undefined),
  });
  const report = await sendFixtureTo(opened.fixture, opened.server.url());
  const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
  try {
    return { report, status: readStatus(db, '2026-W48')[0]! };
  } finally {
    db.close();
  }
}

describe('a reply to the end of a message whose lines carry different codes', () => {
  it.each([
    ['250 first, 550 last', '250-2.0.0 Ok: queued as 4F2A\r\n550 5.7.1 Message refused after all\r\n'],
    ['550 first, 250 last', '550-5.7.1 Message refused\r\n250 2.0.0 Ok: queued as 4F2A\r\n'],
  ])('%s: that reader is deferred as may have been delivered, once; the others are sent', async (_name, reply) => {
    const { report, status } = await send(reply);
    expect(report.total.sent).toBe(2);
    expect(report.total.failed).toBe(0);
    expect(report.total.deferred).toBe(1);
    const [failure] = report.failures;
    expect(failure?.email).toBe('ann@example.com');
    expect(failure?.status).toBe('deferred');
    expect(failure?.attempts).toBe(1);
    expect(failure?.response).toContain(reply.trim().replace(/\r\n/g, ' '));
    expect(failure?.response).toMatch(/it may have been delivered/);
    expect(status.deferred).toBe(1);
    expect(status.sent).toBe(2);
    // Ann's message went out once in this run, never again after the reply that cannot be read.
    expect(opened.server!.messages.filter((m) => m.to[0] === 'ann@example.com')).toHaveLength(1);
  });

  it('a multi-line reply with one code throughout is read as usual', async () => {
    const { report } = await send('250-2.0.0 Ok\r\n250 2.0.0 queued as 4F2A\r\n');
    expect(report.total.sent).toBe(3);
    expect(report.failures).toEqual([]);
  });
});

describe('a reply to the end of a message that is a 2xx other than 250', () => {
  it.each<[string, RawAnswer]>([
    ['a 221 of a server closing', { hangUp: '221 2.0.0 Bye\r\n' }],
    ['a 220 greeting of a server that restarted behind a proxy', '220 raw.test ESMTP ready\r\n'],
    ['a 252', '252 2.0.0 Cannot verify\r\n'],
  ])(
    '%s: that reader is deferred as may have been delivered, never recorded sent; the others are sent',
    async (_name, reply) => {
      const { report, status } = await send(reply);
      expect(report.total.sent).toBe(2);
      expect(report.total.deferred).toBe(1);
      const [failure] = report.failures;
      expect(failure?.email).toBe('ann@example.com');
      expect(failure?.status).toBe('deferred');
      expect(failure?.response).toMatch(/it may have been delivered/);
      expect(status.sent).toBe(2);
      expect(opened.server!.messages.filter((m) => m.to[0] === 'ann@example.com')).toHaveLength(1);
    },
  );
});
