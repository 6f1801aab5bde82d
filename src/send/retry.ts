/**
 * What to do with a failed delivery. SMTP says it in the reply code: 4xx is "try again later",
 * 5xx is "never" (except 503, a session out of step, which a new connection fixes). A dropped or
 * timed-out connection is temporary too. Anything else (a bug building the message) is permanent:
 * retrying would fail the same way.
 */
export type FailureKind = 'temporary' | 'permanent';

export interface DeliveryFailure {
  kind: FailureKind;
  responseCode: number | undefined;
  /** The server's reply, or the error's message when there was no reply. Never holds credentials. */
  response: string;
  /** No reply at all: the connection could not be made or broke off. Says nothing about the recipient. */
  noReply: boolean;
}

const TEMPORARY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

interface MailError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

export function classifyFailure(error: unknown): DeliveryFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as MailError;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = oneLine(
    typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(error),
  );
  if (responseCode !== undefined) {
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return { kind: permanent ? 'permanent' : 'temporary', responseCode, response, noReply: false };
  }
  const code = typeof e.code === 'string' ? e.code : '';
  const temporary = TEMPORARY_CODES.has(code);
  return { kind: temporary ? 'temporary' : 'permanent', responseCode: undefined, response, noReply: temporary };
}

/**
 * Delay before retry number `attempt` (1-based): exponential with "full jitter" (a random delay
 * between half and all of base × 2^(attempt−1)), capped, so many connections retrying together
 * spread out instead of hammering the server in step.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
