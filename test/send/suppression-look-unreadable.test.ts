import { describe, expect, it } from 'vitest';
import { isLookFailed, LOOK_FAILED, watchSuppressions } from '../../src/send/late-suppressions.js';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { LOOK_FAILED_STOP } from '../../src/send/retry.js';
import { type LedgerWriter, runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';
import type { LedgerEntry, Suppressions } from '../../src/state/contract.js';

/**
 * The look at the suppression list right before each message (the state file's change counter and
 * the unsubscribe journal on SQLite, a query on PostgreSQL) is what stops a message to a reader
 * who left a moment ago. A look that cannot be made must never read as "nobody new".
 */

function ioError(code: string): Error {
  return Object.assign(new Error(`${code}: i/o error, read`), { code });
}

/** A store whose looks fail while `failing` says so. */
function flakyStore(failing: { version?: string; journal?: string; query?: string }): Suppressions {
  const answer = async () => {
    if (failing.query) throw ioError(failing.query);
    return { cursor: '1', added: [] };
  };
  return {
    addedSince: answer,
    applyJournal: async () => ({ read: 0, added: 0, unreadable: 0 }),
    instant: failing.query
      ? undefined
      : {
          version: () => {
            if (failing.version) throw ioError(failing.version);
            return 1;
          },
          addedSince: () => ({ cursor: '1', added: [] }),
          journaled: () => {
            if (failing.journal) throw ioError(failing.journal);
            return undefined;
          },
        },
  } as unknown as Suppressions;
}

function watched(store: Suppressions, extra: { patienceMs?: number } = {}) {
  const lines: string[] = [];
  const late = watchSuppressions(store, '0', { everyMs: 60_000, log: (line) => lines.push(line), ...extra });
  return { late, lines };
}

describe('the last look before a message, on the state file', () => {
  it('throws when the change counter cannot be read, and answers again once it can', () => {
    const failing: { version?: string } = { version: 'EIO' };
    const { late, lines } = watched(flakyStore(failing));
    let thrown: unknown;
    try {
      late.reasonNow('ana@example.com');
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { code?: string }).code).toBe(LOOK_FAILED);
    expect((thrown as Error).message).toMatch(/could not read the suppression list right before a message: EIO/);
    expect(lines.join('\n')).toMatch(/could not read the suppression list/);
    failing.version = undefined;
    expect(late.reasonNow('ana@example.com')).toBeUndefined();
    late.stop();
  });

  it('throws when the unsubscribe journal cannot be looked at', () => {
    const { late } = watched(flakyStore({ journal: 'EMFILE' }));
    let thrown: unknown;
    try {
      late.reasonNow('ana@example.com');
    } catch (error) {
      thrown = error;
    }
    expect(isLookFailed(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/EMFILE/);
    late.stop();
  });

  it('starts no message once the look fails: the run stops saying why, the rest unrecorded', async () => {
    const failing: { version?: string } = {};
    const { late } = watched(flakyStore(failing));
    const accepted: string[] = [];
    const transport: MailTransport = {
      kind: 'outbox',
      destination: 'test',
      verify: async () => {},
      // As every transport does: its last question right before the message goes.
      async send(mail, gate) {
        const to = String((mail.envelope as { to: string[] }).to[0]);
        if (gate?.stillWanted?.() === false) throw Object.assign(new Error('withdrawn'), { code: 'EWITHDRAWN' });
        accepted.push(to);
        // The state file fails under the send after its first message.
        failing.version = 'EIO';
        return { response: '250 OK' };
      },
      close: async () => {},
    };
    const rows: LedgerEntry[] = [];
    const ledger: LedgerWriter = { recordMany: (entries) => void rows.push(...entries) };
    const jobs: SendJob[] = ['a', 'b', 'c'].map((name) => {
      const email = `${name}@example.com`;
      return {
        email,
        variantId: 'v',
        messageId: `<${name}@test>`,
        build: () => ({ envelope: { from: 'news@example.com', to: [email] }, raw: 'x' }),
        suppressedSince: () => late.reason(email),
        suppressedNow: () => late.reasonNow(email),
      };
    });
    const result = await runDeliveries(jobs, {
      transport,
      ledger,
      limiter: createRateLimiter(0),
      concurrency: 1,
      retries: 3,
      retryBaseMs: 1,
    });
    late.stop();
    expect(accepted).toEqual(['a@example.com']);
    expect(result.stopped).toMatch(new RegExp(`^${LOOK_FAILED_STOP}.*EIO`));
    expect(result.aborted).toBeUndefined();
    // Not sent, not recorded: the next run sends them.
    expect(rows.map((row) => [row.email, row.status])).toEqual([['a@example.com', 'sent']]);
  });
});

describe('the last look before a message, on PostgreSQL', () => {
  it('rejects once the list could not be read for its patience', async () => {
    const { late } = watched(flakyStore({ query: 'ECONNRESET' }), { patienceMs: 0 });
    const error = await late.confirm!().catch((e: unknown) => e);
    expect(isLookFailed(error)).toBe(true);
    expect((error as Error).message).toMatch(/ECONNRESET/);
    late.stop();
  });

  it('waits for a look that fails for a moment and resolves once one succeeds', async () => {
    const failing: { query?: string } = { query: 'ECONNRESET' };
    const { late } = watched(flakyStore(failing), { patienceMs: 60_000 });
    let settled = false;
    const confirmed = late.confirm!().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    failing.query = undefined;
    await confirmed;
    expect(settled).toBe(true);
    late.stop();
  });
});
