import { header, type MimePart } from './_mime.js';

/**
 * Automatic answers that land in the bounce mailbox and read like bounces, though the reader's
 * mailbox is fine: suppressing the reader for one would lose them. Only messages without a
 * machine-readable part are judged here; a delivery or feedback report is read as one.
 */

/**
 * An out-of-office or other automatic reply (RFC 3834 and the headers mail systems add), which a
 * company may send from its postmaster and word like a bounce ("this mailbox does not exist any
 * more").
 */
export function isAutoReply(root: MimePart): boolean {
  const subject = header(root.headers, 'subject') ?? '';
  const precedence = header(root.headers, 'precedence') ?? '';
  return (
    header(root.headers, 'x-autoreply') !== undefined ||
    header(root.headers, 'x-autorespond') !== undefined ||
    /^\s*auto[_-]?reply\s*$/i.test(precedence) ||
    /^\s*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|out of (?:the )?office|abwesenheit\w*|automatische antwort|r[ée]ponse automatique|absence|respuesta autom[aá]tica|risposta automatica|autosvar|automatisch antwoord)\b/i.test(
      subject,
    )
  );
}

/**
 * What a challenge-response filter asks of a sender it does not know: to prove it is a person, or
 * to put itself on the reader's list of approved senders. Its notice goes to the envelope sender
 * (the VERP address), often says the message was "not delivered" (it is held) and that the sender's
 * address is unknown, all of which a bounce says too.
 */
const CHALLENGE =
  /\b(?:(?:confirm|verify|prove)(?: that)? you(?:'re| are) (?:a )?(?:real )?(?:person|human)|approved senders?|(?:unknown|unverified) senders?|add (?:yourself|your (?:e-?mail )?address) to (?:my|the|our|their|his|her) (?:white|allow|safe|approved)[- ]?list|challenge[- ]response)\b/i;

/**
 * A challenge-response notice: one of its asks in the subject or the first lines, not from a mailer
 * daemon. A postmaster's is judged like anyone's: company filters send their challenges from
 * postmaster@, where only the mail system's own daemon writes bounces alone.
 */
export function isChallengeResponse(root: MimePart, text: string, quotedSubjects: readonly string[] = []): boolean {
  if (/mailer-daemon|mail delivery (?:subsystem|system)/i.test(header(root.headers, 'from') ?? '')) return false;
  const own = (value: string) => withoutQuoted(value, quotedSubjects);
  return CHALLENGE.test(own(header(root.headers, 'subject') ?? '')) || CHALLENGE.test(own(text.slice(0, 4000)));
}

/**
 * A bounce names the message it returns ("Undeliverable: Approved senders and DMARC this week"):
 * the digest's own subject, which an editor may word like a challenge, is not the notice's ask.
 */
function withoutQuoted(value: string, subjects: readonly string[]): string {
  let left = value;
  for (const subject of subjects) {
    const wanted = subject.replace(/\s+/g, ' ').trim();
    if (wanted.length < 4) continue;
    const pattern = wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
    left = left.replace(new RegExp(pattern, 'gi'), ' ');
  }
  return left;
}
