/**
 * Takes the SMTP password out of what a server said: its replies end up in errors, logs and the
 * ledger, and some servers quote the credentials they refused (as typed, or as the base64 the
 * client sent in AUTH PLAIN or AUTH LOGIN).
 */
export type Scrub = (text: string) => string;

const MASK = '***';
const MIN_FORM_LENGTH = 4;

export function credentialScrubber(url: string, auth: { user: string; pass: string } | undefined): Scrub {
  if (!auth?.pass) return (text) => text;
  const forms = new Set([
    auth.pass,
    urlPassword(url),
    base64(auth.pass),
    // AUTH PLAIN's one argument, as nodemailer writes it and as clients naming the user twice do.
    base64(`\u0000${auth.user}\u0000${auth.pass}`),
    base64(`${auth.user}\u0000${auth.user}\u0000${auth.pass}`),
  ]);
  // A form of a few characters is left: taking it out would garble the reply codes ("550 5.1.1")
  // that decide whether a message is tried again, and reveals next to nothing when shown.
  for (const form of forms) if (form.replace(/\s+/g, '').length < MIN_FORM_LENGTH) forms.delete(form);
  // Longest first: a form that holds another is taken out whole.
  const pattern = [...forms]
    .sort((a, b) => b.length - a.length)
    .map(spacedForm)
    .join('|');
  if (pattern === '') return (text) => text;
  return (text) => text.replace(new RegExp(pattern, 'g'), MASK);
}

/**
 * A form whose whitespace matches any whitespace, or none: a server quoting the password may turn
 * its tab into a space, a run of spaces into one, or trim it, which would leave all of it shown.
 */
function spacedForm(form: string): string {
  return form
    .trim()
    .split(/\s+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s*');
}

/**
 * The server's reply as it came, kept on a scrubbed error out of sight (not enumerable, not
 * printed): whether a refusal is tried again is read from the server's own words (see retry.ts),
 * which taking the password out must not change.
 */
export const UNSCRUBBED_REPLY = Symbol('rolecast.unscrubbedReply');

/** Scrubs, in place, the parts of an SMTP error that carry the server's words; other fields are kept. */
export function scrubError<T>(error: T, scrub: Scrub): T {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { message?: unknown; response?: unknown; stack?: unknown };
  const reply = typeof e.response === 'string' ? e.response : e.message;
  if (typeof reply === 'string' && scrub(reply) !== reply && !Object.hasOwn(error, UNSCRUBBED_REPLY))
    Object.defineProperty(error, UNSCRUBBED_REPLY, { value: reply, enumerable: false });
  for (const key of ['message', 'response', 'stack'] as const) {
    const value = e[key];
    if (typeof value === 'string') e[key] = scrub(value);
  }
  return error;
}

/** The password as written in the URL, percent-encoding and all. */
function urlPassword(url: string): string {
  try {
    return new URL(url).password;
  } catch {
    return '';
  }
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
