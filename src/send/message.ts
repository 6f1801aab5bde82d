import * as crypto from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import { envelopeAddress } from '../address.js';
import type { ResolvedConfig } from '../config/schema.js';
import { RolecastError } from '../errors.js';
import type { PersonalFields, PersonalisedMessage, VariantTemplate } from '../render/types.js';
import type { PersonalLinks } from '../unsubscribe/links.js';
import { buildMime, foldHeader, formatAddress, listIdValue, listValue } from './mime.js';
import { buildPayload, type FixedHeaders, payloadBytes, releasePrepared, type WirePayload } from './wire/prepare.js';

/** Everything one outgoing message is made of; one recipient, always. */
export interface OutgoingMessage {
  to: { address: string; name?: string | undefined };
  content: PersonalisedMessage;
  links: PersonalLinks;
  messageId: string;
  date: Date;
  /** Envelope sender (MAIL FROM) when it is not the From address: a per-message VERP bounce address. */
  returnPath?: string | undefined;
}

export { messageIdFor } from '../message-id.js';

export function randomSalt(): string {
  return crypto.randomBytes(6).toString('base64url');
}

/**
 * nodemailer options for one message, as a ready-made MIME buffer (see mime.ts). List-Unsubscribe
 * is written as given, never through nodemailer's `list` option, which rewrites mailto values as
 * `<http://…>`. One-click (RFC 8058) is only offered with an https URL to post to.
 */
export function buildMailOptions(config: ResolvedConfig, message: OutgoingMessage): SendMailOptions {
  const { headers, replyTo, to, options } = envelopeAndHeaders(config, message, message.content.subject);
  return {
    ...options,
    raw: buildMime({
      from: { name: config.sender.name, address: config.sender.email },
      to,
      replyTo,
      subject: message.content.subject,
      messageId: message.messageId,
      date: message.date,
      headers,
      text: message.content.text,
      html: message.content.html,
    }),
  };
}

/** What `buildMailOptions` gives, the MIME spliced from a variant's pieces encoded once (see wire/prepare.ts). */
export type WireMailOptions = SendMailOptions & { [WIRE]: WirePayload };

/** The key under which mail options carry their message as byte ranges ready for the wire. */
export const WIRE = Symbol('rolecast.wire');

export function wirePayloadOf(mail: SendMailOptions): WirePayload | undefined {
  return (mail as Partial<WireMailOptions>)[WIRE];
}

/**
 * The fast path of buildMailOptions: the same headers and, once decoded, the same parts, with
 * only the reader's fields encoded per message. `raw` is joined only when a transport asks for it.
 */
export function buildWireMailOptions(
  config: ResolvedConfig,
  message: Omit<OutgoingMessage, 'content'>,
  template: VariantTemplate,
  fields: PersonalFields,
  build: { lastOfVariant?: boolean | undefined } = {},
): WireMailOptions {
  const { headers, to, options } = envelopeAndHeaders(config, message, template.subject);
  const payload = buildPayload(template, fields, {
    fixed: fixedHeaders(config),
    to,
    messageId: message.messageId,
    date: message.date,
    listUnsubscribe: listValue(headers['List-Unsubscribe']!),
    oneClick: message.links.oneClick,
  });
  if (build.lastOfVariant) releasePrepared(template);
  let raw: Buffer | undefined;
  // One literal, the getter included: the same enumerable properties as a spread and a
  // defineProperty, without turning every reader's object into a slow dictionary.
  return {
    envelope: options.envelope,
    messageId: options.messageId,
    subject: options.subject,
    date: options.date,
    headers: options.headers,
    [WIRE]: payload,
    get raw() {
      raw ??= payloadBytes(payload);
      return raw;
    },
  };
}

/** What a run's configuration puts in every message, checked and written once per configuration. */
interface RunHeaders {
  source: readonly string[];
  listId: string;
  fixed: FixedHeaders;
}

const runHeaders = new WeakMap<ResolvedConfig, RunHeaders>();

function headersOf(config: ResolvedConfig): RunHeaders {
  const source = [config.brand.name, config.listId, config.sender.name, config.sender.email, config.replyTo ?? ''];
  let found = runHeaders.get(config);
  // Compared, not trusted: a configuration changed in place gets its headers checked again.
  if (found?.source.every((value, i) => value === source[i])) return found;
  const listId = listIdValue(config.brand.name, config.listId);
  assertHeaderSafe({
    'List-Id': listId,
    'From name': config.sender.name,
    From: config.sender.email,
    'Reply-To': config.replyTo ?? '',
  });
  found = {
    source,
    listId,
    fixed: {
      from: foldHeader('From', formatAddress({ name: config.sender.name, address: config.sender.email })),
      replyTo: config.replyTo ? foldHeader('Reply-To', config.replyTo) : undefined,
      listId: foldHeader('List-Id', listValue(listId)),
    },
  };
  runHeaders.set(config, found);
  return found;
}

function fixedHeaders(config: ResolvedConfig): FixedHeaders {
  return headersOf(config).fixed;
}

/** Subjects already checked: one per variant and language, not one per reader. */
const safeSubjects = new Set<string>();

function envelopeAndHeaders(config: ResolvedConfig, message: Omit<OutgoingMessage, 'content'>, subject: string) {
  const headers: Record<string, string> = {
    'List-Id': headersOf(config).listId,
    'List-Unsubscribe': message.links.listUnsubscribe,
  };
  if (message.links.oneClick) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  const replyTo = config.replyTo;
  // As written, with the domain in ASCII: what RCPT TO says and what the To header shows.
  const to = { ...message.to, address: envelopeAddress(message.to.address) };
  if (!safeSubjects.has(subject)) {
    assertHeaderSafe({ Subject: subject });
    if (safeSubjects.size > 1000) safeSubjects.clear();
    safeSubjects.add(subject);
  }
  // The run's own values (sender, list) were checked with the configuration; these are the reader's.
  // One test of all four first: the check that names the header runs only when one has a break.
  if (
    LINE_BREAK.test(`${message.links.listUnsubscribe}${message.messageId}${message.to.name ?? ''}${message.to.address}`)
  )
    assertHeaderSafe({
      'List-Unsubscribe': message.links.listUnsubscribe,
      'Message-ID': message.messageId,
      'To name': message.to.name ?? '',
      To: message.to.address,
    });
  // The envelope names the one recipient explicitly: nothing in the headers can add another.
  // `raw` is what goes out; subject, date and headers repeat parts of it for readers such as the
  // preview, and nodemailer ignores them when `raw` is set.
  const options: SendMailOptions = {
    envelope: { from: message.returnPath ?? config.sender.email, to: [to.address] },
    messageId: message.messageId,
    subject,
    date: message.date,
    headers,
  };
  return { headers, replyTo, to, options };
}

const LINE_BREAK = /[\r\n]/;

/** A CR or LF in a header value would let content add headers (or recipients): refuse it. */
export function assertHeaderSafe(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (LINE_BREAK.test(value)) {
      throw new RolecastError('E_INVALID', `the ${name} header value contains a line break`, {
        hint: 'remove line breaks from the subject, names and addresses in the issue, config and subscribers',
      });
    }
  }
}
