/**
 * Fixed-window counters kept in this process's memory: each `serve` process counts on its own and
 * forgets on restart. Enough to stop a script hammering one endpoint; not a shared quota. On
 * PostgreSQL the replicas share their counters instead (rate-limit-postgres.ts).
 */
export interface RateLimiter {
  /** Counts one attempt for `key`; false once the window's allowance is used up. */
  take(key: string): boolean | Promise<boolean>;
}

const MAX_KEYS = 50_000;

export function fixedWindowLimiter(limit: number, windowMs: number, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    take(key) {
      const at = now();
      let entry = windows.get(key);
      if (!entry || entry.resetAt <= at) {
        // Expired entries go before a new one is added, so a flood of keys cannot grow memory without bound.
        if (windows.size >= MAX_KEYS) for (const [k, w] of windows) if (w.resetAt <= at) windows.delete(k);
        if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value as string);
        entry = { count: 0, resetAt: at + windowMs };
        windows.set(key, entry);
      }
      entry.count++;
      return entry.count <= limit;
    },
  };
}

/**
 * Counts an address's mails by the mailbox they land in: `ann+1@example.com`, `ann+2@…` (RFC 5233
 * subaddresses, which most providers deliver to `ann@`) share one allowance, so a script cannot
 * send one inbox a confirmation per tag. A local part that starts with `+` is kept whole. Gmail
 * also ignores the dots of a local part and takes googlemail.com for gmail.com, so every such
 * spelling of one Gmail inbox shares its allowance; elsewhere a dot is part of the mailbox's name.
 */
export function perMailbox(limiter: RateLimiter): RateLimiter {
  return { take: (address) => limiter.take(mailboxKey(address)) };
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

function mailboxKey(address: string): string {
  const at = address.lastIndexOf('@');
  const plus = address.indexOf('+');
  const local = plus > 0 && plus < at ? address.slice(0, plus) : address.slice(0, at);
  const domain = address.slice(at + 1);
  if (GMAIL_DOMAINS.has(domain) && local.replaceAll('.', '') !== '') return `${local.replaceAll('.', '')}@gmail.com`;
  return `${local}@${domain}`;
}
