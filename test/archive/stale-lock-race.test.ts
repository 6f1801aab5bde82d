import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockHolder } from '../helpers/lock-holder.js';
import { REPO_ROOT } from '../helpers/project.js';

/**
 * Three processes finding one lock left by a gone run. A taker moved the lock aside, and when it
 * turned out to be a lock another taker had placed meanwhile, put it back over whatever a third
 * had placed in the gap: two went ahead. Each taker here pauses in its own turn after reading the
 * lock, and after moving aside a lock that is not the one it judged, so the turns fall that way.
 */
const TAKER = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { createInterface } from 'node:readline';
const [lockModule, take, dir, file, turn] = process.argv.slice(2);
const stale = await fs.readFile(file, 'utf8');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const readFile = fs.readFile;
fs.readFile = async (path, ...rest) => {
  const text = await readFile(path, ...rest);
  if (String(path) === file && text === stale) await pause(Number(turn));
  return text;
};
const rename = fs.rename;
fs.rename = async (from, to) => {
  await rename(from, to);
  if (String(to).endsWith('.stale') && (await readFile(to, 'utf8')) !== stale) await pause(300);
};
syncBuiltinESMExports();
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once('line', resolve));
const { [take]: lock } = await import(lockModule);
console.log('ready');
await go;
try {
  const held = await lock(dir, take === 'lockIssuesFolder' ? { cwd: dir, waitMs: 0 } : dir);
  console.log('held');
  await new Promise((resolve) => lines.once('close', resolve));
  await held.release();
} catch (error) {
  console.log(error.code ?? String(error));
  lines.close();
}
`;

/** The turns: the first takes the lock over; the second moves its lock aside; the third places one meanwhile. */
const TURNS = [100, 400, 550];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-stale-race-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function nextLine(child: { stdout: Readable }): Promise<string> {
  return new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
}

describe('three processes racing for one lock a gone run left', () => {
  it.each([
    ['a build', 'archive/folder-lock.js', 'lockFolder', (d: string) => join(d, '.site.rolecast-build.lock')],
    ['a new', 'pool/new-lock.js', 'lockIssuesFolder', (d: string) => join(d, 'site', '.rolecast-new.lock')],
  ])('let exactly one go ahead: %s', async (_what, module, take, lockOf) => {
    const site = join(dir, 'site');
    await mkdir(site);
    const file = lockOf(await realpath(dir));
    const gone = await lockHolder();
    gone.child.kill('SIGKILL');
    await gone.exited;
    await writeFile(file, gone.row);
    await writeFile(join(dir, 'taker.mjs'), TAKER);
    const lockModule = pathToFileURL(join(REPO_ROOT, 'dist', module)).href;
    const takers = TURNS.map((turn) =>
      spawn(process.execPath, [join(dir, 'taker.mjs'), lockModule, take, site, file, String(turn)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const exited = takers.map((child) => new Promise((resolve) => child.on('close', resolve)));
    try {
      const lines = takers.map(nextLine);
      expect(await Promise.all(lines)).toEqual(['ready', 'ready', 'ready']);
      const outcomes = takers.map(nextLine);
      for (const child of takers) child.stdin.write('go\n');
      const said = await Promise.all(outcomes);
      expect(said.filter((line) => line === 'held')).toHaveLength(1);
      expect(said.filter((line) => line === 'E_LOCKED')).toHaveLength(2);
    } finally {
      for (const child of takers) child.stdin.end();
      await Promise.all(exited);
    }
    // Released by the one that held it, and nothing left beside it.
    expect((await readdir(join(file, '..'))).filter((name) => name.includes('.lock'))).toEqual([]);
  });
});
