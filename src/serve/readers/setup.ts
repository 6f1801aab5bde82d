import type { Environment } from '../../config/env.js';
import type { ResolvedConfig } from '../../config/schema.js';
import { languageOf } from '../../i18n/index.js';
import type { RoleTaxonomy } from '../../roles/taxonomy.js';
import { singleMessageTransport } from '../../send/single-transport.js';
import { type MailTransport, readDkim } from '../../send/transport.js';
import { embedSnippet } from '../pages/subscribe.js';
import { publicOrigin, readerPaths } from '../routes/index.js';
import { createReaderMailer, type ReaderMailer } from './mail.js';
import { pageContext } from './services.js';

/**
 * What `serve` needs for the reader pages beyond the unsubscribe endpoint: the transport their
 * mails go through (SMTP with SMTP_URL, else `.eml` files in `outbox/readers` beside the config),
 * and the embeddable form. The login is not checked here: `serve` starts that check and listens
 * meanwhile, so a server that greets slowly holds up no unsubscribe.
 */
export async function readerMailTransport(
  config: ResolvedConfig,
  env: Environment,
  cwd: string,
  log?: (line: string) => void,
): Promise<{ transport: MailTransport; mailer: ReaderMailer }> {
  const dkim = await readDkim(env);
  const transport = singleMessageTransport(config, env.smtpUrl, dkim, 'readers', cwd, log);
  return { transport, mailer: createReaderMailer(config, transport) };
}

/** `rolecast serve --print-form`: the signup form as HTML to paste into another site. */
export function printableForm(config: ResolvedConfig, taxonomy: RoleTaxonomy): string {
  const origin = publicOrigin(config.urls) ?? 'https://YOUR-SERVER';
  const language = languageOf(config.locale);
  const ctx = pageContext({ config }, language);
  return embedSnippet(ctx, {
    action: `${origin}${readerPaths(config.urls).subscribe}`,
    taxonomy,
    timezone: config.timezone,
    locale: language,
  });
}
