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

/**
 * Builds one subscriber's links. The https unsubscribe URL needs both `urls.unsubscribe` and the
 * ROLECAST_SECRET signing key; without them the mailto alone is offered.
 */
export function personalLinks(
  config: ResolvedConfig,
  secret: string | undefined,
  issueId: string,
  email: string,
): PersonalLinks {
  const mailbox = config.unsubscribeMailto ?? config.replyTo ?? config.sender.email;
  const mailto = `mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${config.listId}`)}`;
  let httpsUrl: string | undefined;
  let preferencesUrl: string | undefined;
  if (secret && config.urls.unsubscribe) {
    const token = signToken({ email, listId: config.listId }, secret);
    httpsUrl = withQuery(config.urls.unsubscribe, { token });
    if (config.urls.preferences) preferencesUrl = withQuery(config.urls.preferences, { token });
  } else if (config.urls.preferences) {
    preferencesUrl = config.urls.preferences;
  }
  const viewOnlineUrl = config.urls.archive
    ? `${config.urls.archive.replace(/\/+$/, '')}/${encodeURIComponent(issueId)}/`
    : undefined;
  return {
    unsubscribeUrl: httpsUrl ?? mailto,
    preferencesUrl,
    viewOnlineUrl,
    listUnsubscribe: httpsUrl ? `<${httpsUrl}>, <${mailto}>` : `<${mailto}>`,
    oneClick: httpsUrl !== undefined,
  };
}

function withQuery(base: string, params: Record<string, string>): string {
  const entries = Object.entries(params);
  // Parsing the URL for every reader costs more than signing the token: with one value that
  // form-encodes as itself (a token is base64url), the URL is parsed once and the value spliced in.
  if (entries.length === 1 && /^[A-Za-z0-9._-]*$/.test(entries[0]![1])) {
    const [key, value] = entries[0]!;
    const cacheKey = `${key}\0${base}`;
    let around = queryTemplates.get(cacheKey);
    if (around === undefined) {
      const url = new URL(base);
      url.searchParams.set(key, MARKER);
      const written = url.toString();
      const at = written.indexOf(MARKER);
      around =
        at >= 0 && written.indexOf(MARKER, at + 1) < 0
          ? [written.slice(0, at), written.slice(at + MARKER.length)]
          : null;
      if (queryTemplates.size > 100) queryTemplates.clear();
      queryTemplates.set(cacheKey, around);
    }
    if (around) return `${around[0]}${value}${around[1]}`;
  }
  const url = new URL(base);
  for (const [key, value] of entries) url.searchParams.set(key, value);
  return url.toString();
}

const MARKER = 'rolecastQueryValue7Kq';
const queryTemplates = new Map<string, [string, string] | null>();
