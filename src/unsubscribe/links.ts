import type { ResolvedConfig } from '../config/schema.js';
import { signToken } from './token.js';

export interface PersonalLinks {
  /** The link in the message body: the signed https URL when possible, else a mailto. */
  unsubscribeUrl: string;
  preferencesUrl: string | undefined;
  /** The issue in the web archive, when an archive base URL is configured. */
  viewOnlineUrl: string | undefined;
  /** Value for the List-Unsubscribe header: `<https://…>, <mailto:…>`. */
  listUnsubscribe: string;
  /** True when List-Unsubscribe carries an https URL, so one-click (RFC 8058) applies. */
  oneClick: boolean;
}

/** What a reader's links are made from. */
export type LinkConfig = Pick<ResolvedConfig, 'urls' | 'listId' | 'unsubscribeMailto' | 'replyTo' | 'sender'>;

/**
 * Builds one subscriber's links. The https unsubscribe URL needs both `urls.unsubscribe` and the
 * ROLECAST_SECRET signing key; without them the mailto alone is offered. With the key, the mailto's
 * subject carries the reader's token too (see bounces/unsubscribe-request.ts).
 */
export function personalLinks(
  config: LinkConfig,
  secret: string | undefined,
  issueId: string,
  email: string,
): PersonalLinks {
  const frame = linkFrame(config, secret !== undefined && secret !== '', issueId);
  let httpsUrl: string | undefined;
  let preferencesUrl = frame.preferencesUrl;
  let mailto = frame.mailto;
  if (secret) {
    const token = signToken({ email, listId: config.listId }, secret);
    // The request a mail client sends comes from the account's own address, which may not be the one
    // mailed (a tagged `ann+news@`, a forwarding address): the signed subject names the reader mailed.
    mailto = `${frame.mailto}%20${token}`;
    if (frame.signed) {
      httpsUrl = frame.unsubscribe ? withQueryIn(frame.unsubscribe, token) : undefined;
      if (frame.preferences) preferencesUrl = withQueryIn(frame.preferences, token);
    }
  }
  return {
    unsubscribeUrl: httpsUrl ?? mailto,
    preferencesUrl,
    viewOnlineUrl: frame.viewOnlineUrl,
    listUnsubscribe: httpsUrl ? `<${httpsUrl}>, <${mailto}>` : `<${mailto}>`,
    oneClick: httpsUrl !== undefined,
  };
}

/**
 * What every reader's links share for one configuration, issue and whether there is a key: worked
 * out for the first reader and reused while those stay the same (a run sends one issue).
 */
interface LinkFrame {
  source: readonly (string | boolean | undefined)[];
  signed: boolean;
  /** The mailto with the list's subject, `unsubscribe <listId>`; a reader's token follows it when signed. */
  mailto: string;
  /** The base URLs a token goes into; set only when links are signed. */
  unsubscribe: QueryBase | undefined;
  preferences: QueryBase | undefined;
  /** Without a key: the preferences page as configured. */
  preferencesUrl: string | undefined;
  viewOnlineUrl: string | undefined;
}

let lastFrame: LinkFrame | undefined;

function linkFrame(config: LinkConfig, hasSecret: boolean, issueId: string): LinkFrame {
  const { urls } = config;
  const source = [
    hasSecret,
    issueId,
    config.listId,
    config.unsubscribeMailto,
    config.replyTo,
    config.sender.email,
    urls.unsubscribe,
    urls.preferences,
    urls.archive,
  ];
  // Compared value by value, not by object: a configuration changed in place gets new links.
  if (lastFrame?.source.every((value, i) => value === source[i])) return lastFrame;
  const mailbox = config.unsubscribeMailto ?? config.replyTo ?? config.sender.email;
  const mailto = `mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${config.listId}`)}`;
  const signed = hasSecret && Boolean(urls.unsubscribe);
  lastFrame = {
    source,
    signed,
    mailto,
    unsubscribe: signed && urls.unsubscribe ? queryBase(urls.unsubscribe, 'token') : undefined,
    preferences: signed && urls.preferences ? queryBase(urls.preferences, 'token') : undefined,
    preferencesUrl: signed ? undefined : urls.preferences,
    viewOnlineUrl: urls.archive ? `${urls.archive.replace(/\/+$/, '')}/${encodeURIComponent(issueId)}/` : undefined,
  };
  return lastFrame;
}

/** A base URL and the one query key a value is set under. */
interface QueryBase {
  base: string;
  key: string;
  /** The URL as written around the value, when a value that form-encodes as itself can be spliced in. */
  around: [string, string] | null;
}

/**
 * Parsing the URL for every reader costs more than signing the token: with a value that
 * form-encodes as itself (a token is base64url), the URL is parsed once and the value spliced in.
 */
function queryBase(base: string, key: string): QueryBase {
  const url = new URL(base);
  url.searchParams.set(key, MARKER);
  const written = url.toString();
  const at = written.indexOf(MARKER);
  const around: [string, string] | null =
    at >= 0 && written.indexOf(MARKER, at + 1) < 0 ? [written.slice(0, at), written.slice(at + MARKER.length)] : null;
  return { base, key, around };
}

function withQueryIn({ base, key, around }: QueryBase, value: string): string {
  if (around && SELF_ENCODING.test(value)) return `${around[0]}${value}${around[1]}`;
  const url = new URL(base);
  url.searchParams.set(key, value);
  return url.toString();
}

const SELF_ENCODING = /^[A-Za-z0-9._-]*$/;
const MARKER = 'rolecastQueryValue7Kq';
