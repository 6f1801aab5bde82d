import { describe, expect, it } from 'vitest';
import { readSesNotification } from '../../src/bounces/ses-notification.js';

/**
 * SES calls every 5xx refusal a `Permanent` bounce, also a DMARC failure or a block list, which
 * say nothing against the reader's address. Taken as hard, one DNS or reputation mistake suppressed
 * every reader of that provider for good, where the same refusal read from a mailbox, SendGrid or
 * Mailgun is soft. Such a bounce is now read by its status and words, as theirs are; SES's own
 * verdicts (no such address, on its suppression list) and a bare Permanent bounce stay hard.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

function permanent(subType: string, recipient: Record<string, string>) {
  return readSesNotification(
    {
      notificationType: 'Bounce',
      mail: { messageId: `ses-${subType}`, source: 'digest@rolecast.example' },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: subType,
        feedbackId: `feedback-${subType}-${recipient.diagnosticCode ?? ''}`,
        timestamp: NOW.toISOString(),
        bouncedRecipients: [{ emailAddress: 'reader@gmail.example', action: 'failed', ...recipient }],
      },
    },
    NOW,
  );
}

describe('an SES Permanent bounce', () => {
  it.each([
    [
      'a DMARC refusal',
      {
        status: '5.7.26',
        diagnosticCode:
          "smtp; 550-5.7.26 Unauthenticated email from rolecast.example is not accepted due to domain's DMARC policy",
      },
    ],
    [
      'a block list',
      {
        status: '5.7.1',
        diagnosticCode: 'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org',
      },
    ],
    ['a bare reply code about the content', { diagnosticCode: 'smtp; 554 Message rejected as spam' }],
    ['a full mailbox', { status: '5.2.2', diagnosticCode: 'smtp; 552 5.2.2 Mailbox full' }],
  ])('that is %s is soft: counted, not a suppression on the spot', (_, recipient) => {
    const [event] = permanent('General', recipient);
    expect(event).toMatchObject({ kind: 'soft', address: 'reader@gmail.example' });
  });

  it.each([
    [
      'General',
      { status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 The email account that you tried to reach does not exist' },
    ],
    ['General', { diagnosticCode: "smtp; 554 delivery error: dd This user doesn't have a gmail.example account" }],
    ['General', {}],
    ['NoEmail', {}],
    [
      'Suppressed',
      {
        diagnosticCode:
          'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
      },
    ],
    [
      'OnAccountSuppressionList',
      {
        diagnosticCode:
          'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
      },
    ],
  ])('of subtype %s saying the address is bad (%j) is hard', (subType, recipient) => {
    const [event] = permanent(subType, recipient);
    expect(event).toMatchObject({ kind: 'hard', address: 'reader@gmail.example' });
  });
});
