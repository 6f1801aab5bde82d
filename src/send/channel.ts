import { dirname, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';

/**
 * Where a run's messages go decides which ledger records it resumes from: SMTP, the default outbox
 * folder, or one outbox folder named with `--outbox`. Keyed by folder, a trial written to `other/`
 * after one written to the default outbox writes every message again instead of "already sent".
 */
export type Channel = 'smtp' | 'outbox' | `outbox:${string}`;

/** The folder `.eml` files go to: `--outbox DIR`, else `outbox/<issue id>` beside the config. */
export function outboxFolder(config: ResolvedConfig, issueId: string, cwd: string, outbox?: string): string {
  const base = config.file ? dirname(config.file) : cwd;
  return outbox ? resolve(cwd, outbox) : join(base, 'outbox', issueId);
}

export function deliveryChannel(options: {
  config: ResolvedConfig;
  issueId: string;
  cwd: string;
  outbox?: string | undefined;
  smtpUrl?: string | undefined;
}): Channel {
  if (!options.outbox && options.smtpUrl) return 'smtp';
  const folder = outboxFolder(options.config, options.issueId, options.cwd, options.outbox);
  // The default folder keeps the plain name, so records written before folders were told apart still count.
  const standard = outboxFolder(options.config, options.issueId, options.cwd);
  return folder === standard ? 'outbox' : `outbox:${folder}`;
}
