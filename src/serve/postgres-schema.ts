import type { Migration } from '../db/postgres.js';
import { WEBHOOK_TOKENS_SQL } from './webhooks/tokens.js';

/**
 * What `serve` replicas share besides the stores (component 'serve'): the signup limits
 * (readers/rate-limit-postgres.ts) and, for Mailgun's webhook, which body each signed token came
 * with (webhooks/tokens.ts).
 */
export const SERVE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'shared rate limits',
    sql: `
CREATE TABLE rate_limits (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  reset_at BIGINT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX rate_limits_reset ON rate_limits (reset_at);`,
  },
  { version: 2, name: 'webhook token bindings', sql: WEBHOOK_TOKENS_SQL },
];
