import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A dry run passes the same gates as the real send, so a rehearsal that passes is a send that is not
 * refused for what it renders; and the editor edition, which no reader with roles receives, cannot
 * stop a send with its problems (its full cards of every story can pass a size limit each reader's
 * edition stays under).
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function limitSizes(limitKb: number, warnKb: number) {
  const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  await project.write('rolecast.config.json', JSON.stringify({ ...config, sizeLimitKb: limitKb, sizeWarnKb: warnKb }));
}

const sendWith = (env: NodeJS.ProcessEnv, ...extra: string[]) =>
  runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', ...extra], env);
const send = (...extra: string[]) => sendWith({}, ...extra);

it('an editor edition over the size limit is cut to headlines, a warning, in the dry run and the send alike', async () => {
  // Every reader's edition of the example issue is under ~34 KB; the editor edition is ~62 KB.
  await limitSizes(50, 40);
  const dry = await send('--dry-run');
  expect(dry.code, dry.all).toBe(0);
  expect(dry.err).toMatch(
    /warning: .*variant editor: HTML is [\d.]+ KB .*over the 50 KB limit.*so the copy for the editor edition shows \d+ of its \d+ stories in full/,
  );
  const real = await send('--outbox', 'out');
  expect(real.code, real.all).toBe(0);
  expect(real.out).toMatch(/total\s+10\s+10/);
});

it('reader editions over the size limit are cut to headlines and sent, the editor edition nobody receives only named', async () => {
  await limitSizes(30, 20);
  const dry = await send('--dry-run');
  const real = await send('--outbox', 'out');
  for (const run of [dry, real]) {
    expect(run.code, run.all).toBe(0);
    expect(run.err).toMatch(
      /variant cto\+executive: HTML is [\d.]+ KB .*over the 30 KB limit.*so the copy for readers of CTO, Executive shows \d+ of its \d+ stories in full/,
    );
    expect(run.err).toMatch(/variant editor: .*still over the limit .*no reader receives this edition/);
  }
  expect(real.out).toMatch(/total\s+10\s+10/);
});

it('a dry run is refused, as the send is, when a reader edition is over the size limit with only its lead story', async () => {
  await limitSizes(15, 10);
  const dry = await send('--dry-run');
  const real = await send('--outbox', 'out');
  for (const run of [dry, real]) {
    expect(run.code, run.all).toBe(2);
    expect(run.err).toMatch(/variant cto\+executive: HTML is [\d.]+ KB .*over the 15 KB limit.*still over the limit/);
  }
  expect(existsSync(project.path('out'))).toBe(false);
});

it.each([
  ['a missing file', async () => project.path('no-such-key.pem')],
  [
    'a folder',
    async () => {
      await mkdir(project.path('keys'));
      return project.path('keys');
    },
  ],
  [
    'a corrupt key',
    () => project.write('dkim.pem', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n'),
  ],
  [
    'a passphrase-protected key',
    () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' });
      return project.write('dkim.pem', pem.toString());
    },
  ],
  [
    'an RSA key of 512 bits, which verifiers reject (RFC 8301)',
    () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 512 });
      return project.write('dkim.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    },
  ],
])('a dry run is refused, as the send is, when the DKIM key file is %s', async (_what, keyFile) => {
  const env = {
    ROLECAST_DKIM_KEY_FILE: await keyFile(),
    ROLECAST_DKIM_DOMAIN: 'rolecast.example',
    ROLECAST_DKIM_SELECTOR: 'rc1',
  };
  const dry = await sendWith(env, '--dry-run');
  const real = await sendWith(env, '--outbox', 'out');
  for (const run of [dry, real]) {
    expect(run.code, run.all).toBe(2);
    expect(run.err).toContain('DKIM key');
  }
  expect(existsSync(project.path('out'))).toBe(false);
});

it.each([
  ['a file', 'state-here', /state-here is a file, not a folder/],
  ['a file two folders up', 'state-here/a/b', /state-here is a file, not a folder/],
])('a dry run whose state folder cannot be made (under %s) is refused, as the send is', async (_, folder, why) => {
  await project.write('state-here', 'not a folder\n');
  const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8')) as Record<string, unknown>;
  await project.write('rolecast.config.json', JSON.stringify({ ...config, stateDir: folder }));
  // A scheduled dry run too: its real run may start long after the rehearsal passed.
  for (const dry of [await send('--dry-run'), await send('--dry-run', '--at', '2030-06-03T08:00', '--local')]) {
    expect(dry.code, dry.all).toBe(2);
    expect(dry.err).toMatch(why);
    expect(dry.err).toMatch(/could not be created/);
  }
  const real = await send('--outbox', 'out');
  expect(real.code, real.all).toBe(2);
  expect(existsSync(project.path('out'))).toBe(false);
});
