import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureStreams } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/** A scheduled send whose state file fills up during a wave stops like an immediate send: exit 3, nothing lost. */

let server: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

describe('rolecast send --at on a full disk', () => {
  it('stops the wave at once, exits 3 with the disk error, and every accepted message is recorded or listed', async () => {
    // The wave's own tables take the first pages of the allowance on a new state file: enough
    // readers that the ledger fills it part way through the wave.
    fixture = await sendFixture(300, { concurrency: 3 });
    server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
    const at = `${new Date(Date.now() - 5 * 60_000).toISOString().slice(0, 16)}Z`;
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--at', at], {
      cwd: fixture.dir,
      env: { ...sendEnv(server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '4' },
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, `${streams.out}\n${streams.err}`).toBe(3);
    expect(streams.err).toMatch(/rolecast send: the state file \S+ could not be written: database or disk is full/);
    expect(streams.err).not.toMatch(/this is a bug|\n\s+at /);
    const listed = [...streams.out.matchAll(/^ {2}(\S+@example\.test) <[^>]+>$/gm)].map((m) => m[1]!);
    const db = new Database(`${fixture.dir}/.rolecast/state.db`, { readonly: true });
    const recorded = db.prepare("SELECT email FROM deliveries WHERE status = 'sent'").pluck().all() as string[];
    db.close();
    const accepted = (await server.messages()).map((m) => m.envelope.to[0]!);
    expect(recorded.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(3);
    expect([...recorded, ...listed].sort()).toEqual([...accepted].sort());
  });
});
