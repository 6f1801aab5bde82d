import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { captureStreams, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * After ROLECAST_SECRET is rotated, the links in mail already sent must still unsubscribe their
 * reader (RFC 8058 one-click and the footer link) and open their preferences page: serve verifies
 * them with the keys of ROLECAST_SECRET_PREVIOUS, and signs nothing with those.
 */

const CURRENT = 'current-signing-key-0123456789abcdefghij';
const OLD = 'old-signing-key-0123456789abcdefghijklmn';
const OLDER = 'older-signing-key-0123456789abcdefghijkl';
const STRANGER = 'strangers-signing-key-0123456789abcdefgh';
const READER = 'Priya.Raman@example.com';

let project: TempProject;
let stop: AbortController;
let served: Promise<number> | undefined;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  stop = new AbortController();
});
afterEach(async () => {
  stop.abort();
  await served;
  await project.cleanup();
});

async function serve(previous: string): Promise<{ origin: string; listId: string; err: () => string }> {
  const output = captureStreams();
  served = main(['serve', '--port', '0'], {
    cwd: project.dir,
    env: { ROLECAST_SECRET: CURRENT, ROLECAST_SECRET_PREVIOUS: previous },
    stdout: output.stdout,
    stderr: output.stderr,
    signal: stop.signal,
  });
  for (let i = 0; i < 400 && !output.out.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 25));
  const url = /listening on (\S+)/.exec(output.out)?.[1];
  if (!url) throw new Error(`serve did not start:\n${output.out}\n${output.err}`);
  return { origin: new URL(url).origin, listId: 'weekly.rolecast.example', err: () => output.err };
}

const link = (origin: string, path: string, token: string) => `${origin}${path}?${new URLSearchParams({ token })}`;
const oneClick = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
const suppressed = async () => (await runMain(project.dir, ['suppress', 'list'])).out;

describe('serve after ROLECAST_SECRET was rotated', () => {
  it('unsubscribes with a one-click link signed with a previous key (a list with commas and spaces)', async () => {
    const { origin, listId } = await serve(` ${OLDER} ,\t${OLD}  `);
    for (const key of [OLD, OLDER]) {
      const token = signToken({ email: key === OLD ? READER : 'ann@example.com', listId }, key);
      const page = await fetch(link(origin, '/unsubscribe', token));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Unsubscribe');
      const done = await oneClick(link(origin, '/unsubscribe', token));
      expect(done.status).toBe(200);
    }
    const list = await suppressed();
    expect(list).toContain('priya.raman@example.com');
    expect(list).toContain('ann@example.com');
  });

  it('opens the preferences page from a link signed with a previous key', async () => {
    const { origin, listId } = await serve(OLD);
    const page = await fetch(link(origin, '/preferences', signToken({ email: READER, listId }, OLD)));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('priya.raman@example.com');
  });

  it('refuses a link signed with a key it was never given, changes nothing, and says how to unsubscribe', async () => {
    const { origin, listId } = await serve(OLD);
    const token = signToken({ email: READER, listId }, STRANGER);
    expect((await fetch(link(origin, '/unsubscribe', token))).status).toBe(400);
    expect((await oneClick(link(origin, '/unsubscribe', token))).status).toBe(400);
    const page = await fetch(link(origin, '/preferences', token));
    expect(page.status).toBe(400);
    const text = await page.text();
    expect(text).not.toMatch(/sign up again/i);
    expect(text).toContain('Nothing was changed');
    expect(text).toContain('To unsubscribe');
    expect(await suppressed()).not.toContain('priya');
  });

  it('refuses to start with a weak previous key, naming its place in the list and not the key', async () => {
    const weak = 'short-key';
    const output = captureStreams();
    const code = await main(['serve', '--port', '0'], {
      cwd: project.dir,
      env: { ROLECAST_SECRET: CURRENT, ROLECAST_SECRET_PREVIOUS: `${OLD},${weak}` },
      stdout: output.stdout,
      stderr: output.stderr,
      signal: stop.signal,
    });
    expect(code).not.toBe(0);
    expect(output.err).toContain('key 2 of ROLECAST_SECRET_PREVIOUS');
    expect(output.err).not.toContain(weak);
  });
});
