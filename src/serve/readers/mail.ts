import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/schema.js';
import type { Translate } from '../../i18n/index.js';
import { withContrast } from '../../render/_colour.js';
import type { MailTransport } from '../../send/transport.js';

/**
 * The mails the reader pages send: the double opt-in confirmation and the optional welcome. They
 * are rendered from `confirm.mjml.hbs` and `confirm.txt.hbs` (the project's templates folder first,
 * then the built-in ones) and go out through the same transport as the digest.
 */

export interface ReaderMail {
  to: string;
  subject: string;
  heading: string;
  body: string;
  button: string;
  url: string;
  notes: string[];
  lang: string;
}

export interface ReaderMailer {
  send(mail: ReaderMail): Promise<void>;
}

type Template = (view: object) => string;
// MJML and Handlebars load with the first mail, not with `serve`: most requests never send one.
type Compiled = { html: Template; text: Template; mjml2html: typeof import('mjml') };

export function createReaderMailer(
  config: Pick<ResolvedConfig, 'brand' | 'sender' | 'replyTo' | 'footer' | 'templatesDir'>,
  transport: MailTransport,
): ReaderMailer {
  let compiled: Promise<Compiled> | undefined;
  const templates = () => {
    compiled ??= loadTemplates(config.templatesDir);
    return compiled;
  };
  return {
    async send(mail) {
      const { html, text, mjml2html } = await templates();
      const view = {
        ...mail,
        brand: config.brand.name,
        postalAddress: config.footer.postalAddress,
        colours: {
          background: config.brand.backgroundColor,
          button: withContrast(config.brand.primaryColor, '#ffffff'),
        },
      };
      const rendered = await mjml2html(html(view), { validationLevel: 'soft' });
      await transport.send({
        from: { name: config.brand.name, address: config.sender.email },
        to: mail.to,
        ...(config.replyTo ? { replyTo: config.replyTo } : {}),
        subject: mail.subject,
        html: rendered.html,
        text: text(view),
        // Transactional: no List-Unsubscribe, and auto-replies should stay away.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
  };
}

async function loadTemplates(userDir: string): Promise<Compiled> {
  const [{ default: Handlebars }, { default: mjml2html }, { BUILTIN_TEMPLATES_DIR }] = await Promise.all([
    import('handlebars'),
    import('mjml'),
    import('../../render/templates.js'),
  ]);
  const pick = (name: string) => {
    const own = join(userDir, name);
    return existsSync(own) ? own : join(BUILTIN_TEMPLATES_DIR, name);
  };
  const [html, text] = await Promise.all([
    readFile(pick('confirm.mjml.hbs'), 'utf8'),
    readFile(pick('confirm.txt.hbs'), 'utf8'),
  ]);
  return {
    html: Handlebars.compile(html, { strict: false }),
    // Plain text: nothing to escape.
    text: Handlebars.compile(text, { noEscape: true }),
    mjml2html,
  };
}

/** The confirmation mail's wording, from the catalogue in the reader's language. */
export function confirmationMail(t: Translate, brand: string, to: string, url: string, hours: number, lang: string) {
  return {
    to,
    lang,
    subject: t('pages.mail.confirm.subject', { brand }),
    heading: t('pages.mail.confirm.heading'),
    body: t('pages.mail.confirm.body', { brand }),
    button: t('pages.mail.confirm.button'),
    url,
    notes: [t('pages.mail.confirm.expires', { hours }), t('pages.mail.confirm.ignore')],
  } satisfies ReaderMail;
}

export function welcomeMail(t: Translate, brand: string, to: string, preferencesUrl: string, lang: string) {
  return {
    to,
    lang,
    subject: t('pages.mail.welcome.subject', { brand }),
    heading: t('pages.mail.welcome.heading'),
    body: t('pages.mail.welcome.body', { brand }),
    button: t('pages.mail.welcome.button'),
    url: preferencesUrl,
    notes: [],
  } satisfies ReaderMail;
}
