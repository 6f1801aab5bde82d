/**
 * What the bounce stage reads from reports and webhooks, before it is matched to a reader: one
 * event per failed recipient or complaint. `hints` are what the report carried that can name the
 * reader and the issue even when the failed address is not the subscribed one (forwarding).
 */

export type BounceKind = 'hard' | 'soft' | 'complaint';

export interface BounceEvent {
  /** Stable per event: a report imported twice, or a webhook sent twice, yields the same id. */
  eventId: string;
  /** The id an earlier release stored the same event under, so its redelivery is still a duplicate. */
  legacyEventId?: string | undefined;
  /** Ids other earlier releases stored it under, when it was named differently more than once. */
  olderEventIds?: string[] | undefined;
  /**
   * The feedback id of a report Amazon SES forwarded without the reader's address (a redacted
   * complaint): once its reader is known it takes the id SES's notification gives (see ses-forwarded.ts).
   */
  sesFeedbackId?: string | undefined;
  kind: BounceKind;
  /** The address the report names (Final-Recipient, the ARF's Original-Rcpt-To, the provider's recipient). */
  address: string | undefined;
  /**
   * An address the report names that reads as a feedback loop's stand-in (`redacted@…`,
   * `xxx@…`): it names a reader only when the list has mailed that very address (a reader may
   * really be `xxx@…`); any other stand-in names nobody.
   */
  lookalikeAddress?: string | undefined;
  /** Enhanced status code (RFC 3463) such as `5.1.1`, when the report gives or implies one. */
  status: string | undefined;
  /** The remote server's words, or the provider's description. */
  diagnostic: string;
  /** Where the event came from: `import:FILE`, `ses`, `postmark`, `sendgrid`, `mailgun`. */
  source: string;
  /** When the bounce or complaint happened, as the report says; else when it was read. */
  at: Date;
  hints: SourceHints;
}

export interface SourceHints {
  /** Addresses that may carry a VERP token: the report's To, Return-Path, X-Original-To… */
  verpCandidates: string[];
  /** Message-IDs of the original message, as the report quotes them. */
  messageIds: string[];
  /** List-Unsubscribe values of the original message (their signed token names the reader). */
  unsubscribeLinks: string[];
  /** List-Id values of the original message: one naming another list says it is not about this one. */
  listIds: string[];
  /**
   * The From addresses of the original message, as quoted: one on another domain than this list's
   * sender says the report is about another sender's mail (providers rewrite the envelope sender
   * and often the Message-ID, never the From).
   */
  senders: string[];
  /**
   * The report was read from its HTML alone (no text or delivery-status part): its address is
   * believed only when what it quotes shows this list's mail, since a page's layout can hide the
   * original's headers from what is read of it.
   */
  fromHtmlAlone?: boolean | undefined;
}

export function emptyHints(): SourceHints {
  return { verpCandidates: [], messageIds: [], unsubscribeLinks: [], listIds: [], senders: [] };
}
