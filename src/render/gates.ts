import MailComposer from 'nodemailer/lib/mail-composer';
import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';

/**
 * The transfer encoding messages are sent with. The size gate measures with the same encoding,
 * because Gmail clips on what arrives, and base64 adds about a third to the HTML.
 */
export const TEXT_ENCODING = 'base64' as const;

export interface EncodedSizes {
  /** The whole message: headers, text and HTML parts, as encoded for sending. */
  messageBytes: number;
  /** The HTML part's body alone, as encoded: what Gmail's clip threshold applies to. */
  htmlBytes: number;
}

export async function encodedSizes(message: { subject: string; html: string; text: string }): Promise<EncodedSizes> {
  const whole = await build({
    from: 'Sender Name <sender@example.com>',
    to: 'Reader Name <reader.name@example.com>',
    ...message,
  });
  const htmlOnly = await build({ html: message.html });
  const bodyStart = htmlOnly.indexOf('\r\n\r\n');
  return { messageBytes: whole.length, htmlBytes: htmlOnly.length - (bodyStart + 4) };
}

function build(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer({ ...mail, textEncoding: TEXT_ENCODING }).compile().build((error, buffer) => {
      if (error) reject(error);
      else resolve(buffer);
    });
  });
}

export function sizeProblems(
  encodedHtmlBytes: number,
  config: Pick<ResolvedConfig, 'sizeLimitKb' | 'sizeWarnKb'>,
  where: { file: string; variantId: string },
): Problem[] {
  const kb = encodedHtmlBytes / 1024;
  const shown = `${kb.toFixed(1)} KB`;
  const base = { file: where.file, field: `variant ${where.variantId}` };
  if (kb > config.sizeLimitKb) {
    return [
      {
        ...base,
        severity: 'error',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeLimitKb} KB limit (Gmail clips at about 102 KB)`,
        hint: 'shorten or drop summaries, or split the issue',
      },
    ];
  }
  if (kb > config.sizeWarnKb) {
    return [
      {
        ...base,
        severity: 'warning',
        message: `HTML is ${shown} as encoded for sending, over the ${config.sizeWarnKb} KB warning threshold`,
        hint: `keep it under ${config.sizeLimitKb} KB: Gmail clips longer messages`,
      },
    ];
  }
  return [];
}

/** Every href and src in the rendered HTML must be http(s) or mailto. */
export function linkProblems(html: string, where: { file: string; variantId: string }): Problem[] {
  const problems: Problem[] = [];
  for (const match of html.matchAll(/\s(href|src|background)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const value = decodeEntities(match[3] ?? match[4] ?? match[5] ?? '').trim();
    if (/^(https?:\/\/|mailto:)/i.test(value)) continue;
    problems.push({
      severity: 'error',
      file: where.file,
      field: `variant ${where.variantId}`,
      message: `${match[1]} "${value.slice(0, 80)}" is not an http(s) or mailto link`,
      hint: 'only http://, https:// and mailto: links may appear in a message',
    });
  }
  return problems;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&amp;/g, '&');
}
