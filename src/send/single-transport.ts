import type { ResolvedConfig } from '../config/schema.js';
import { outboxFolder } from './channel.js';
import { createOutboxTransport, createSmtpTransport, type DkimSettings, type MailTransport } from './transport.js';

/**
 * For mail sent one message at a time, outside a send run (a test send, a reader's confirmation):
 * SMTP to `smtpUrl` over one connection with the config's timeouts, else the outbox folder
 * `outbox/<folder>` beside the config, as `send` chooses.
 */
export function singleMessageTransport(
  config: ResolvedConfig,
  smtpUrl: string | undefined,
  dkim: DkimSettings | undefined,
  folder: string,
  cwd: string,
  log?: (line: string) => void,
): MailTransport {
  if (!smtpUrl) return createOutboxTransport(outboxFolder(config, folder, cwd), { dkim });
  return createSmtpTransport({
    url: smtpUrl,
    concurrency: 1,
    requireTls: config.send.requireTls,
    dkim,
    log,
    timeouts: {
      connectionMs: config.send.connectionTimeoutMs,
      greetingMs: config.send.greetingTimeoutMs,
      socketMs: config.send.socketTimeoutMs,
      finalReplyMs: config.send.finalReplyTimeoutMs,
    },
  });
}
