import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { canonicalAddress } from '../address.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Subscriber } from '../model/subscriber.js';
import { readerFields } from '../render/fields.js';
import { SAMPLE_READER } from '../render/index.js';
import type { CompiledVariant, PersonalisedMessage } from '../render/types.js';
import { buildMailOptions, messageIdFor } from '../send/message.js';
import { personalLinks } from '../unsubscribe/links.js';
import type { ReadySnapshot } from './snapshot.js';

/**
 * One reader's message, built the way `send` builds it: the compiled variant personalised with the
 * reader's fields and links, wrapped in the same mail options. A variant view uses the sample reader.
 */
export type ViewKind = 'variant' | 'subscriber';

export interface ReaderMessage {
  kind: ViewKind;
  /** Variant id or subscriber address: the part of the URL that names the view. */
  key: string;
  compiled: CompiledVariant;
  subscriber: Subscriber | undefined;
  message: PersonalisedMessage;
  mail: SendMailOptions;
  /** The main headers, decoded, as a reader's mail client shows them. */
  headers: [name: string, value: string][];
}

export function readerMessage(
  snapshot: ReadySnapshot,
  kind: ViewKind,
  key: string,
  options: { secret: string | undefined; now: Date },
): ReaderMessage | undefined {
  const { config, issue } = snapshot.project;
  let compiled: CompiledVariant | undefined;
  let subscriber: Subscriber | undefined;
  if (kind === 'variant') {
    compiled = snapshot.compiled.get(key);
  } else {
    const recipient = snapshot.plan?.recipients.find(
      (r) => canonicalAddress(r.subscriber.email) === canonicalAddress(key),
    );
    if (!recipient) return undefined;
    subscriber = recipient.subscriber;
    compiled = snapshot.compiled.get(recipient.variantId);
  }
  if (!compiled) return undefined;
  // A variant view is shown as the sample reader gets it; a subscriber view as that subscriber does.
  const reader = subscriber ?? SAMPLE_READER;
  const links = personalLinks(config, options.secret, issue.id, reader.email);
  const message = compiled.personalise(readerFields(links, reader));
  const to = { address: reader.email, name: reader.name };
  const messageId = messageIdFor(config, issue.id, reader.email);
  const mail = buildMailOptions(config, { to, content: message, links, messageId, date: options.now });
  return { kind, key, compiled, subscriber, message, mail, headers: mainHeaders(config, mail, to, messageId) };
}

function mainHeaders(
  config: ResolvedConfig,
  mail: SendMailOptions,
  to: { address: string; name?: string | undefined },
  messageId: string,
): [string, string][] {
  const extra = (mail.headers ?? {}) as Record<string, unknown>;
  const headers: [string, string][] = [
    ['From', formatAddress(config.sender.name, config.sender.email)],
    ['To', formatAddress(to.name, to.address)],
  ];
  if (config.replyTo) headers.push(['Reply-To', config.replyTo]);
  headers.push(['Subject', String(mail.subject ?? '')]);
  if (mail.date instanceof Date) headers.push(['Date', mail.date.toUTCString()]);
  headers.push(['Message-ID', messageId]);
  for (const [name, value] of Object.entries(extra)) if (typeof value === 'string') headers.push([name, value]);
  return headers;
}

export function formatAddress(name: string | undefined, address: string): string {
  if (!name) return address;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

/** The raw RFC 5322 message, as it would leave for the SMTP server. */
export function buildEml(mail: SendMailOptions): Promise<Buffer> {
  const { envelope: _envelope, ...options } = mail;
  return new Promise((resolve, reject) => {
    new MailComposer(options as ConstructorParameters<typeof MailComposer>[0]).compile().build((error, buffer) => {
      if (error) reject(error);
      else resolve(buffer);
    });
  });
}
