import { describe, expect, it } from 'vitest';
import { readSesNotification } from '../../src/bounces/ses-notification.js';

/**
 * SES writes the bare status 5.0.0 on a Permanent bounce it has no finer code for, often with no
 * server's words at all. That status says only "permanent", which is all SES said: it is SES's own
 * verdict, hard, as a Permanent bounce quoting nothing is. Words, when a server gave some, still
 * decide (a block list with 5.0.0 stays soft).
 */

const NOW = new Date('2026-12-01T12:00:00Z');

function permanent(recipient: Record<string, string>) {
  return readSesNotification(
    {
      notificationType: 'Bounce',
      mail: { messageId: 'ses-bare', source: 'digest@rolecast.example' },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        feedbackId: `feedback-${JSON.stringify(recipient)}`,
        timestamp: NOW.toISOString(),
        bouncedRecipients: [{ emailAddress: 'reader@mail.example', action: 'failed', ...recipient }],
      },
    },
    NOW,
  );
}

describe('an SES Permanent bounce with the bare status 5.0.0', () => {
  it.each([
    ['no diagnostic', { status: '5.0.0' }],
    ['an empty diagnostic', { status: '5.0.0', diagnosticCode: '' }],
    ['a blank diagnostic', { status: '5.0.0', diagnosticCode: '  ' }],
  ])('and %s is hard: SES gave its verdict and no server said otherwise', (_, recipient) => {
    const [event] = permanent(recipient);
    expect(event).toMatchObject({ kind: 'hard', address: 'reader@mail.example', status: '5.0.0' });
  });

  it('and a server’s words about a block list is soft', () => {
    const [event] = permanent({
      status: '5.0.0',
      diagnosticCode: 'smtp; 554 Service unavailable; Client host [192.0.2.10] blocked using b.barracudacentral.org',
    });
    expect(event?.kind).toBe('soft');
  });

  it('and a finer status without words is read by that status', () => {
    expect(permanent({ status: '5.7.1' })[0]?.kind).toBe('soft');
    expect(permanent({ status: '5.1.1' })[0]?.kind).toBe('hard');
  });
});
