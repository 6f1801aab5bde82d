import { describe, expect, it } from 'vitest';
import { addressProblem, canonicalAddress, envelopeAddress, needsSmtpUtf8 } from '../../src/address.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { email as emailField } from '../../src/model/_fields.js';
import { messageIdFor } from '../../src/send/message.js';
import { signToken, verifyToken } from '../../src/unsubscribe/token.js';

describe('canonicalAddress', () => {
  it.each([
    // written, canonical key, envelope (as written in NFC, ASCII domain)
    ['ann@example.com', 'ann@example.com', 'ann@example.com'],
    ['  Ann@Example.COM ', 'ann@example.com', 'Ann@example.com'],
    ['ANN@EXAMPLE.COM', 'ann@example.com', 'ANN@example.com'],
    ['ann@bücher.de', 'ann@xn--bcher-kva.de', 'ann@xn--bcher-kva.de'],
    ['Ann@BÜCHER.de', 'ann@xn--bcher-kva.de', 'Ann@xn--bcher-kva.de'],
    ['ann@XN--BCHER-KVA.DE', 'ann@xn--bcher-kva.de', 'ann@xn--bcher-kva.de'],
    ['ann@例え。テスト', 'ann@xn--r8jz45g.xn--zckzah', 'ann@xn--r8jz45g.xn--zckzah'],
    ['ÜSER@example.com', 'üser@example.com', 'ÜSER@example.com'],
    // Local parts travel in NFC, the form their key has: one mailbox, mailed as the key names it.
    ['u\u0308ser@example.com', 'üser@example.com', 'üser@example.com'],
    ['\u212Aate@example.com', 'kate@example.com', 'Kate@example.com'],
    ['first.last+tag@sub.example.org', 'first.last+tag@sub.example.org', 'first.last+tag@sub.example.org'],
  ])('%j → %j (envelope %j)', (written, canonical, envelope) => {
    expect(canonicalAddress(written)).toBe(canonical);
    expect(envelopeAddress(written)).toBe(envelope);
    expect(addressProblem(written)).toBeUndefined();
  });

  it.each([
    ['\uff41nn@example.com', 'ann'],
    ['ANN\uff20x@example.com', 'ANN@x'],
    ['\uff71\uff72@example.jp', '\u30a2\u30a4'],
    ['\ufb01le@example.com', 'file'],
  ])('refuses %j, whose local part some servers read as %j', (written, folded) => {
    expect(addressProblem(written)?.message).toContain(`read by some servers as "${folded}"`);
    // Still suppressible, so a reader stored by an earlier release can be stopped.
    expect(addressProblem(written, { anyLength: true })).toBeUndefined();
  });

  it('gives every spelling of one mailbox the same key', () => {
    const spellings = [
      'Ann@Bücher.de',
      'ann@BÜCHER.DE',
      ' ann@xn--bcher-kva.de',
      'ANN@XN--BCHER-KVA.de ',
      'ann@bu\u0308cher.de',
    ];
    expect(new Set(spellings.map(canonicalAddress))).toEqual(new Set(['ann@xn--bcher-kva.de']));
  });

  it('keeps plain ASCII keys exactly as the old trimmed lower-case form', () => {
    for (const written of ['Priya.Raman@Example.com', ' x_y-z@EXAMPLE.test ', 'a+b@c.d.example.org']) {
      expect(canonicalAddress(written)).toBe(written.trim().toLowerCase());
    }
  });

  it('says which addresses need SMTPUTF8: a non-ASCII local part, not a non-ASCII domain', () => {
    expect(needsSmtpUtf8('üser@example.com')).toBe(true);
    expect(needsSmtpUtf8('user@bücher.de')).toBe(false);
    expect(needsSmtpUtf8('user@example.com')).toBe(false);
  });
});

/** Each kind of character a mail library strips, splits on, or hides, by code point. */
const FORBIDDEN = [
  0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x2028, 0x2029, 0x200e, 0x200f, 0x061c,
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff,
  0x00ad, 0xe000,
];

describe('addressProblem: control and invisible characters', () => {
  const where = {
    'in the local part': (c: string) => `an${c}n@example.com`,
    'in the domain': (c: string) => `ann@exam${c}ple.com`,
    'at the start': (c: string) => `${c}ann@example.com`,
    'at the end': (c: string) => `ann@example.com${c}`,
  };
  for (const [place, build] of Object.entries(where)) {
    it.each(FORBIDDEN.map((cp) => [cp.toString(16).toUpperCase().padStart(4, '0'), cp]))(
      `refuses U+%s ${place}, naming it`,
      (hex, cp) => {
        const problem = addressProblem(build(String.fromCodePoint(cp as number)));
        expect(problem?.message).toContain(`U+${hex}`);
        expect(problem?.hint).toMatch(/retype/);
      },
    );
  }

  it('refuses through the email field too, with the fix as the hint, instead of trimming it away', () => {
    const result = emailField.safeParse('ann@example.com\u2028');
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.message).toContain('U+2028');
    expect((issue as { params?: { hint?: string } }).params?.hint).toMatch(/retype/);
    expect(emailField.parse('  ann@example.com ')).toBe('ann@example.com');
  });
});

describe('addressProblem: domains', () => {
  it.each([
    'ann@localhost',
    'ann@ex%41mple.com',
    'ann@exa/mple.com',
    'ann@-bad.com',
    'ann@a..b',
    'ann@example.com.',
    'ann@1.2.3.4',
    'ann@example.0x1f',
    'ann@xn--zz.com',
    'ann@exa_mple.com',
    'ann@exa mple.com',
  ])('refuses %j', (written) => {
    expect(addressProblem(written)?.message).toMatch(/not a valid (email address|host name)/);
  });

  it('refuses a local part over 64 bytes', () => {
    expect(addressProblem(`${'ü'.repeat(33)}@example.com`)?.message).toMatch(/64 bytes/);
    expect(addressProblem(`${'u'.repeat(64)}@example.com`)).toBeUndefined();
  });
});

describe('keys built from the address', () => {
  const secret = 'token-secret-0123456789abcdef0123';
  const config = { listId: 'digest.example.com', sender: { email: 'news@example.com' } } as ResolvedConfig;

  it('keeps already-issued tokens for plain ASCII addresses verifying byte for byte', () => {
    // The token format before canonical addresses: the address lower-cased, nothing else.
    const payload = Buffer.from(JSON.stringify(['v1', 'digest.example.com', 'priya.raman@example.com'])).toString(
      'base64url',
    );
    const issued = signToken({ email: 'Priya.Raman@Example.com', listId: 'digest.example.com' }, secret);
    expect(issued.split('.')[0]).toBe(payload);
    expect(verifyToken(issued, secret)?.email).toBe('priya.raman@example.com');
  });

  it('signs one token and one Message-ID per mailbox, whatever the spelling', () => {
    const spellings = ['Ann@Bücher.de', 'ann@xn--bcher-kva.de ', 'ANN@bu\u0308cher.DE'];
    const tokens = spellings.map((email) => signToken({ email, listId: 'digest.example.com' }, secret));
    expect(new Set(tokens).size).toBe(1);
    expect(verifyToken(tokens[0]!, secret)?.email).toBe('ann@xn--bcher-kva.de');
    const ids = spellings.map((email) => messageIdFor(config, '2026-W48', email));
    expect(new Set(ids).size).toBe(1);
  });
});
