import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { perTest } from '../helpers/per-test.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that drops the connection after a message's final dot, before its reply, may have taken
 * it: the run defers that reader, and the next run sends it again. That next run (and its dry run)
 * says so, naming the reader, so a second copy never goes out unannounced.
 */

const opened = perTest<{ server: RawServer; fixture: SendFixture }>(['server', 'fixture']);
const reader = (email: string): GeneratedSubscriber => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' });
const NOTICE =
  /notice: (sending|a real run would send) again to 1 reader whose message an earlier run may have delivered/;

describe('a message whose connection dropped after its final dot', () => {
  it('is sent again by the next run, which names that reader first; a dry run names them too', async () => {
    opened.fixture = await sendFixture(0, {}, ['ann@example.com', 'bob@example.com', 'cy@example.com'].map(reader));
    let dropAnn = true;
    opened.server = await startRawServer({
      dataEnd: (_session, message) => (dropAnn && message.to[0] === 'ann@example.com' ? 'drop' : undefined),
    });
    const f = opened.fixture;
    const args = ['send', f.issueDir, '--subscribers', f.subscribersFile];
    const env = sendEnv(opened.server.url());

    const first = await runCli(args, { cwd: f.dir, env });
    expect(first.code, first.stderr).toBe(3);
    expect(first.stdout).toMatch(/ann@example\.com: .*it may have been delivered/);
    expect(`${first.stdout}${first.stderr}`).not.toMatch(NOTICE);

    dropAnn = false;
    const rehearsal = await runCli([...args, '--dry-run'], { cwd: f.dir, env });
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    const rehearsed = `${rehearsal.stdout}${rehearsal.stderr}`;
    expect(rehearsed).toMatch(NOTICE);
    expect(rehearsed).toMatch(/a real run would send again .* — ann@example\.com \(/);

    const second = await runCli(args, { cwd: f.dir, env });
    expect(second.code, second.stderr).toBe(0);
    const said = `${second.stdout}${second.stderr}`;
    expect(said).toMatch(NOTICE);
    expect(said).toMatch(/— ann@example\.com \(/);
    expect(said).not.toMatch(/bob@example\.com|cy@example\.com/);

    // Each reader once more than the server took, ann twice in all: the copy the drop may have cost.
    const reached = opened.server.messages.map((m) => m.to.join()).sort();
    expect(reached).toEqual(['ann@example.com', 'ann@example.com', 'bob@example.com', 'cy@example.com']);

    // Once the copy is recorded sent, nothing is said again.
    const third = await runCli(args, { cwd: f.dir, env });
    expect(third.code, third.stderr).toBe(0);
    expect(`${third.stdout}${third.stderr}`).not.toMatch(NOTICE);
    expect(opened.server.messages).toHaveLength(4);
  });
});
