import { describe, expect, it } from 'vitest';
import { createResolver } from '../../src/bounces/resolve.js';
import type { BounceStore } from '../../src/bounces/store.js';
import { type BounceEvent, emptyHints } from '../../src/bounces/types.js';
import { verpAddress } from '../../src/bounces/verp.js';
import { signToken } from '../../src/unsubscribe/token.js';

/**
 * After ROLECAST_SECRET is changed, a bounce of mail sent before still names its reader through the
 * old key kept in ROLECAST_SECRET_PREVIOUS: its Return-Path tag or its signed unsubscribe link. A
 * key neither lists names nobody.
 */

const OLD = 'old-bounce-key-0123456789abcdefghijklmn';
const NEW = 'new-bounce-key-ZYXWVUTSRQPONMLKJIHGFEDC';
const STRANGER = 'unknown-bounce-key-0123456789abcdefghij';
const DOMAIN = 'bounces.example.com';
const LIST = 'weekly.example.com';
const ISSUE = '2026-W48';

/** With VERP on, what names nobody says why. */
const NAMES_NOBODY = { unnamed: expect.stringContaining('with VERP on') };

const store = {
  deliveredIssues: async () => [ISSUE],
  recipients: async () => ['ann@example.com'],
  history: async () => ({ deliveries: [{ issueId: ISSUE }] }),
  deliveryByMessageId: async () => undefined,
} as unknown as BounceStore;

const event = (hints: Partial<BounceEvent['hints']>, address?: string): BounceEvent => ({
  eventId: 'e1',
  kind: 'hard',
  address,
  status: '5.1.1',
  diagnostic: 'no such user',
  source: 'import:bounce.eml',
  at: new Date('2026-12-01T10:00:00Z'),
  hints: { ...emptyHints(), ...hints },
});

const resolver = (previousSecrets: string[]) =>
  createResolver(store, { secret: NEW, previousSecrets, verpDomain: DOMAIN, listId: LIST });

describe('a bounce of mail signed with the key ROLECAST_SECRET replaced', () => {
  it('names its reader by the Return-Path tag', async () => {
    const verp = verpAddress(DOMAIN, OLD, ISSUE, 'ann@example.com', LIST);
    expect(await resolver([OLD])(event({ verpCandidates: [verp] }))).toMatchObject({
      email: 'ann@example.com',
      via: 'verp',
    });
    expect(await resolver([])(event({ verpCandidates: [verp] }))).toEqual(NAMES_NOBODY);
  });

  it('names its reader by the signed unsubscribe link', async () => {
    const token = signToken({ email: 'ann@example.com', listId: LIST }, OLD);
    const link = `<https://news.example.com/unsubscribe?token=${token}>`;
    expect(await resolver([OLD])(event({ unsubscribeLinks: [link] }))).toMatchObject({
      email: 'ann@example.com',
      via: 'unsubscribe-token',
    });
    expect(await resolver([])(event({ unsubscribeLinks: [link] }))).toEqual(NAMES_NOBODY);
  });

  it('signed with a key serve never had, names nobody', async () => {
    const verp = verpAddress(DOMAIN, STRANGER, ISSUE, 'ann@example.com', LIST);
    const token = signToken({ email: 'ann@example.com', listId: LIST }, STRANGER);
    const hints = { verpCandidates: [verp], unsubscribeLinks: [`<https://x.example/u?token=${token}>`] };
    expect(await resolver([OLD])(event(hints))).toEqual(NAMES_NOBODY);
  });
});
