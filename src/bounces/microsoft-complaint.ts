import { header, type MimePart } from './_mime.js';

/**
 * Microsoft's Junk Mail Reporting Program (JMRP, Outlook.com and Hotmail) sends a complaint as the
 * original message enclosed in a mail headed "complaint about message from IP", with no feedback
 * report part, or as an ARF report without Original-Rcpt-To. Either way the reader is named by the
 * header Microsoft adds to the enclosed original: `X-HmXmrOriginalRecipient: <reader@outlook.com>`.
 * Pure.
 */

/** The address Microsoft's header on the enclosed original names, as written; undefined without one. */
export function microsoftRecipient(parts: readonly MimePart[]): string | undefined {
  for (const part of parts) {
    if (part.type !== 'message/rfc822' && part.type !== 'message/global') continue;
    const named = header(part.parts[0]?.headers ?? [], 'x-hmxmroriginalrecipient');
    if (named !== undefined) return named;
  }
  return undefined;
}

/** A JMRP complaint without a feedback report part: its subject, and the original it encloses with Microsoft's header. */
export function isMicrosoftComplaint(root: MimePart, parts: readonly MimePart[]): boolean {
  return (
    /^\s*complaint about message from\b/i.test(header(root.headers, 'subject') ?? '') &&
    microsoftRecipient(parts) !== undefined
  );
}
