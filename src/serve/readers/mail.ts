import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/schema.js';
import type { Translate } from '../../i18n/index.js';
import { withContrast } from '../../render/_colour.js';
import { listIdValue } from '../../send/mime.js';
import type { MailTransport } from '../../send/transport.js';
import type { PersonalLinks } from '../../unsubscribe/links.js';

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
  /**
   * The way out, on mail to a reader of the list (the welcome): its link shown in the mail, and its
   * List-Unsubscribe header (one-click when the link is signed), as every issue carries them.
   */
  unsubscribe?: { url: string; label: string; header: string; oneClick: boolean } | undefined;
}

export interface ReaderMailer {
  send(mail: ReaderMail): Promise<void>;
}

type Template = (view: object) => string;
// MJML and Handlebars load with the first mail, not with `serve`: most requests never send one.
type Compiled = {
  html: Template;
  text: Template;
  mjml2html: typeof import('mjml');
  escapeExpression: (value: string) => string;
};

export function createReaderMailer(
  config: Pick<ResolvedConfig, 'brand' | 'sender' | 'replyTo' | 'footer' | 'templatesDir' | 'listId'>,
  transport: MailTransport,
  options: {
    /** Replaces MJML's compile, to count or observe compiles. */
    compileMjml?: Compiled['mjml2html'];
    /** False: compile every mail on its own (what the kept compiles must match). */
    keepCompiled?: boolean;
  } = {},
): ReaderMailer {
  const { compileMjml } = options;
  let compiled: Promise<Compiled> | undefined;
  const templates = () => {
    compiled ??= loadTemplates(config.templatesDir).then((loaded) =>
      compileMjml ? { ...loaded, mjml2html: compileMjml } : loaded,
    );
    return compiled;
  };
  const compiledHtml = options.keepCompiled === false ? compileHtml : htmlCache();
  return {
    async send(mail) {
      const loaded = await templates();
      const { text } = loaded;
      const view = {
        ...mail,
        brand: config.brand.name,
        postalAddress: config.footer.postalAddress,
        colours: {
          background: config.brand.backgroundColor,
          button: withContrast(config.brand.primaryColor, '#ffffff'),
        },
      };
      const rendered = { html: await compiledHtml(view, loaded) };
      await transport.send({
        from: { name: config.brand.name, address: config.sender.email },
        to: mail.to,
        ...(config.replyTo ? { replyTo: config.replyTo } : {}),
        subject: mail.subject,
        html: rendered.html,
        text: text(view),
        // Auto-replies should stay away. A confirmation goes to no reader yet: no List-Unsubscribe.
        headers: { 'Auto-Submitted': 'auto-generated', ...listHeaders(config, mail) },
      });
    },
  };
}

function listHeaders(config: Pick<ResolvedConfig, 'brand' | 'listId'>, { unsubscribe }: ReaderMail) {
  if (!unsubscribe) return {};
  return {
    'List-Id': listIdValue(config.brand.name, config.listId),
    'List-Unsubscribe': unsubscribe.header,
    ...(unsubscribe.oneClick ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
  };
}

/** One mail's HTML compiled on its own. */
async function compileHtml(view: ReaderMail & object, { html, mjml2html }: Compiled): Promise<string> {
  return (await mjml2html(html(view), { validationLevel: 'soft' })).html;
}

const PROBE = {
  to: `o'a&b"<c>\`=d@example.com`,
  url: `https://example.com/c?t=1&u='2'&v="<3>"&w=\``,
  unsubscribe: `https://example.com/u?t=1&u='2'&v="<3>"&w=\``,
};

type PersonalValues = typeof PROBE;

/** The mail with its own address and links in place of `values`' (the unsubscribe link only where it has one). */
function withValues(view: ReaderMail & object, values: PersonalValues): ReaderMail & object {
  const { unsubscribe } = view;
  return {
    ...view,
    to: values.to,
    url: values.url,
    unsubscribe: unsubscribe && { ...unsubscribe, url: values.unsubscribe },
  };
}

/** Mails whose wording is the same (one language, one kind) kept compiled: at most this many. */
const KEPT_MAILS = 64;

/**
 * MJML runs once per wording, not once per mail: the address and the link go through it as tokens
 * and are written into its output, escaped as Handlebars would have. Compiling took ~2.4 ms a
 * mail (~0.05 ms filled), work a signup for a new address caused and one for a known address did not, which any
 * client could time. The first mail of each wording is also compiled with probe values and
 * compared with the probe values filled in; a template the tokens do not stand for (a raw
 * `{{{url}}}`, a helper reading the address) is compiled per mail from then on.
 */
function htmlCache() {
  const nonce = randomBytes(6).toString('hex');
  const tokens = { to: `rcTo${nonce}x`, url: `rcUrl${nonce}x`, unsubscribe: `rcOut${nonce}x` };
  const kept = new Map<string, { parts: string[]; checked: boolean }>();
  let perMail = false;
  return async (view: ReaderMail & object, compiled: Compiled): Promise<string> => {
    if (perMail) return compileHtml(view, compiled);
    const { html, mjml2html, escapeExpression } = compiled;
    const source = html(withValues(view, tokens));
    let found = kept.get(source);
    if (!found) {
      const output = (await mjml2html(source, { validationLevel: 'soft' })).html;
      found = { parts: output.split(new RegExp(`(${Object.values(tokens).join('|')})`)), checked: false };
      if (kept.size >= KEPT_MAILS) kept.delete(kept.keys().next().value!);
      kept.set(source, found);
    }
    const fill = (given: PersonalValues) => {
      const values: Record<string, string> = {
        [tokens.to]: escapeExpression(given.to),
        [tokens.url]: escapeExpression(given.url),
        [tokens.unsubscribe]: escapeExpression(given.unsubscribe),
      };
      return found.parts.map((part, i) => (i % 2 === 1 ? values[part]! : part)).join('');
    };
    if (!found.checked) {
      // Checked with values holding every character HTML escapes, so a template that writes any
      // one raw (or reads it any other way) is caught whatever the first reader's values hold.
      const reference = await compileHtml(withValues(view, PROBE), compiled);
      found.checked = true;
      if (reference !== fill(PROBE)) perMail = true;
    }
    const own = { to: view.to, url: view.url, unsubscribe: view.unsubscribe?.url ?? '' };
    return perMail ? compileHtml(view, compiled) : fill(own);
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
    escapeExpression: Handlebars.Utils.escapeExpression,
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

export function welcomeMail(
  t: Translate,
  brand: string,
  to: string,
  preferencesUrl: string,
  lang: string,
  links: Pick<PersonalLinks, 'unsubscribeUrl' | 'listUnsubscribe' | 'oneClick'>,
) {
  return {
    to,
    lang,
    subject: t('pages.mail.welcome.subject', { brand }),
    heading: t('pages.mail.welcome.heading'),
    body: t('pages.mail.welcome.body', { brand }),
    button: t('pages.mail.welcome.button'),
    url: preferencesUrl,
    notes: [],
    unsubscribe: {
      url: links.unsubscribeUrl,
      label: t('pages.mail.welcome.unsubscribe'),
      header: links.listUnsubscribe,
      oneClick: links.oneClick,
    },
  } satisfies ReaderMail;
}
