import type { SendMailOptions } from 'nodemailer';
import type { DkimSettings } from '../transport.js';
import { signRawMessage } from './dkim.js';
import type { WireEnvelope } from './pool.js';

/**
 * A message written whole (a variant without a wire template: its MIME as bytes, as
 * `buildMailOptions` makes it) in the form the wire pool sends, so it goes out over a connection
 * that is in hand when the last look at its reader is taken, as a spliced message does. nodemailer's
 * own pool gives no hook between getting a connection (which may open and log in first) and
 * MAIL FROM. The bytes are those nodemailer's data stream would write: line ends made CRLF, signed
 * (DKIM) as its signer signs them, a "." doubled at the start of a line (RFC 5321 4.5.2), and a
 * line end before the terminating dot.
 */
export function wholeFormChunks(
  mail: SendMailOptions,
  dkim: DkimSettings | undefined,
): { envelope: WireEnvelope; chunks: Buffer[] } | undefined {
  const envelope = mail.envelope as Partial<WireEnvelope> | undefined;
  const raw = mail.raw;
  if (typeof envelope?.from !== 'string' || !Array.isArray(envelope.to)) return undefined;
  if (!Buffer.isBuffer(raw) && typeof raw !== 'string') return undefined;
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  let text = bytes.toString('latin1').replace(/\r?\n|\r/g, '\r\n');
  if (dkim) text = signRawMessage(Buffer.from(text, 'latin1'), dkim).toString('latin1');
  if (!text.endsWith('\r\n')) text += '\r\n';
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return { envelope: { from: envelope.from, to: envelope.to.map(String) }, chunks: [Buffer.from(stuffed, 'latin1')] };
}
