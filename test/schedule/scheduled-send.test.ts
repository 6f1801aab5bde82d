import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject, type Project } from '../../src/load/project.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { openWaveStore, scheduledSend } from '../../src/schedule/index.js';
import { addSuppression, openStateDb, type StateDb } from '../../src/send/store.js';
import { sqliteState } from '../../src/state/sqlite/index.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
let loaded: Project;
let db: StateDb;
/** The state file's own path: notes written beside it stay in the project's folder. */
let statePath: string;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  loaded = await loadProject({
    issueDir: 'issues/2026-W48',
    subscribersFile: 'subscribers.example.json',
    cwd: project.dir,
  });
  statePath = project.path('.rolecast/state.db');
  db = openStateDb(statePath);
});
afterEach(async () => {
  db.close();
  await project.cleanup();
});

/** What the real send does for the readers it reaches: a ledger row each. */
async function recordSent(subscribers: readonly Subscriber[]): Promise<void> {
  await sqliteState(db, statePath)
    .ledger('2026-W48', 'outbox')
    .recordMany(
      subscribers.map((s) => ({
        email: s.email,
        variantId: 'v',
        status: 'sent' as const,
        messageId: null,
        responseCode: 250,
        response: null,
        attempts: 1,
      })),
    );
}

describe('scheduledSend on the example project (default zone Europe/Berlin)', () => {
  it('--dry-run prints one wave per distinct instant and sends nothing', async () => {
    const streams = captureStreams();
    const sent: Subscriber[][] = [];
    const result = await scheduledSend(
      { project: loaded, channel: 'outbox', at: '2026-11-30T08:00', local: true, dryRun: true, stdout: streams.stdout },
      { state: sqliteState(db, statePath), sendTo: async (subscribers) => void sent.push(subscribers) },
    );
    expect(sent).toEqual([]);
    expect(result.report).toBeUndefined();
    // The unsubscribed reader and the one with no matching sections are not planned.
    expect(result.waves.map((w) => [w.utc.slice(0, 16), w.zones.map((z) => z.zone).join('+'), w.count])).toEqual([
      ['2026-11-29T21:00', 'Australia/Sydney', 1],
      ['2026-11-30T02:30', 'Asia/Kolkata', 2],
      ['2026-11-30T07:00', 'Europe/Berlin', 3],
      ['2026-11-30T08:00', 'Europe/London', 1],
      ['2026-11-30T13:00', 'America/New_York', 1],
      ['2026-11-30T16:00', 'America/Los_Angeles', 2],
    ]);
    expect(streams.out).toContain('6 wave(s), 10 recipient(s)');
    expect(streams.out).toContain('2026-11-30 02:30 UTC');
    expect(openWaveStore(db, '2026-W48', 'outbox').list()).toEqual([]);
  });

  it('sends each wave to exactly its readers, skipping suppressed ones, and resumes', async () => {
    addSuppression(db, 'marcus.oyelaran@example.com', { reason: 'bounce' });
    let t = Date.parse('2026-11-30T00:00:00Z');
    const now = () => new Date(t);
    const sleep = async (ms: number) => {
      t += ms;
    };
    const calls: { at: string; emails: string[] }[] = [];
    const streams = captureStreams();
    const sendTo = async (subscribers: Subscriber[]) => {
      calls.push({ at: now().toISOString(), emails: subscribers.map((s) => s.email) });
      await recordSent(subscribers);
    };
    const options = {
      project: loaded,
      channel: 'outbox' as const,
      at: '2026-11-30T08:00',
      local: true,
      stdout: streams.stdout,
    };
    // Started at midnight UTC: Sydney's 08:00 (21:00 UTC the day before) is 3 h gone — missed.
    const first = await scheduledSend(options, { state: sqliteState(db, statePath), now, sleep, sendTo });
    expect(first.report!.missed).toBe(1);
    expect(calls.map((c) => c.at)).toEqual([
      '2026-11-30T02:30:00.000Z',
      '2026-11-30T07:00:00.000Z',
      '2026-11-30T08:00:00.000Z',
      '2026-11-30T13:00:00.000Z',
      '2026-11-30T16:00:00.000Z',
    ]);
    expect(calls[0]!.emails).toEqual(['priya.raman@example.com', 'deepak.iyer@example.net']);
    expect(calls[3]!.emails).toEqual(['grace.whitfield@example.net']);
    expect(calls[4]!.emails).toEqual(['ellen.park@example.com']);
    expect(calls.flatMap((c) => c.emails)).not.toContain('tomasz.nowak@example.org');
    expect(streams.out).toContain('missed by 3 h 0 min: not sent');
    expect(streams.out).toContain('--send-missed');

    // A rerun sends nothing again; with --send-missed it sends only the missed wave.
    calls.length = 0;
    await scheduledSend(options, { state: sqliteState(db, statePath), now, sleep, sendTo });
    expect(calls).toEqual([]);
    await scheduledSend({ ...options, sendMissed: true }, { state: sqliteState(db, statePath), now, sleep, sendTo });
    expect(calls.map((c) => c.emails)).toEqual([['lucy.tran@example.com']]);
  });

  it('sends a wave stored as sent again to a reader who moved into its zone or joined the list since', async () => {
    let t = Date.parse('2026-11-30T02:40:00Z');
    const now = () => new Date(t);
    const sleep = async (ms: number) => {
      t += ms;
    };
    const calls: { at: string; emails: string[] }[] = [];
    const delivered: string[] = [];
    // As the real send: handed a wave's readers, it mails those the ledger has no record of.
    const sendTo = async (subscribers: Subscriber[]) => {
      calls.push({ at: now().toISOString(), emails: subscribers.map((s) => s.email) });
      const recorded = await sqliteState(db, statePath).ledger('2026-W48', 'outbox').recorded();
      const fresh = subscribers.filter((s) => !recorded.has(s.email));
      delivered.push(...fresh.map((s) => s.email));
      await recordSent(fresh);
    };
    const run = (project: Project, stdout: NodeJS.WritableStream) =>
      scheduledSend(
        { project, channel: 'outbox', at: '2026-11-30T08:00', local: true, stdout },
        { state: sqliteState(db, statePath), now, sleep, sendTo },
      );
    // The Kolkata wave (02:30 UTC) goes out; the run stops before Berlin's (07:00 UTC).
    const first = await run(
      { ...loaded, subscribers: loaded.subscribers!.filter((s) => s.timezone === 'Asia/Kolkata') },
      captureStreams().stdout,
    );
    expect(first.report!.sent).toBe(1);
    expect(calls.flatMap((c) => c.emails)).toEqual(['priya.raman@example.com', 'deepak.iyer@example.net']);

    // A New York reader moves to Kolkata, and a new reader there joins: both are owed the issue now.
    calls.length = 0;
    const moved = loaded.subscribers!.map((s) =>
      s.email === 'grace.whitfield@example.net' ? { ...s, timezone: 'Asia/Kolkata' } : s,
    );
    const joiner = { ...moved.find((s) => s.timezone === 'Asia/Kolkata')!, email: 'new.reader@example.org' };
    const streams = captureStreams();
    await run({ ...loaded, subscribers: [...moved, joiner] }, streams.stdout);
    // The wave goes again to them alone (a --resend run would otherwise mail its whole wave anew).
    expect(calls[0]).toEqual({
      at: '2026-11-30T02:40:00.000Z',
      emails: ['grace.whitfield@example.net', 'new.reader@example.org'],
    });
    expect(streams.out).toContain('again for 2 reader(s) who joined it after it was sent');
    // The later waves still follow, and nobody got the issue twice.
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.slice(1).flatMap((c) => c.emails)).not.toContain('grace.whitfield@example.net');
    expect(new Set(delivered).size).toBe(delivered.length);
  });
});
