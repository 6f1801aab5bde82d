import { networkInterfaces } from 'node:os';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startPreview } from '../../src/preview/index.js';
import { fromThisMachine } from '../../src/preview/write-routes.js';
import { browserPerFile } from '../helpers/browser.js';
import { perTest } from '../helpers/per-test.js';
import { tempProject } from '../helpers/project.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

/** An address of this machine that is not the loopback, as `--host` is given to share the preview. */
function ownNetworkAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  if (!found)
    throw new Error('this test needs a network interface besides the loopback (an IPv4 address such as eth0 has)');
  return found.address;
}

const browser = browserPerFile();
const opened = perTest<{ page: Page; preview: { close(): Promise<void> }; project: { cleanup(): Promise<void> } }>([
  'page',
  'preview',
  'project',
]);

describe('the preview listening on a network address (--host)', () => {
  it('takes edits from a browser on this machine opening the URL it printed', async () => {
    const project = await tempProject({ withExample: true });
    opened.project = project;
    const logs: string[] = [];
    const preview = await startPreview({
      issueDir: ISSUE_DIR,
      subscribersFile: SUBSCRIBERS,
      cwd: project.dir,
      host: ownNetworkAddress(),
      port: 0,
      log: (line) => logs.push(line),
    });
    opened.preview = preview;
    const page = await browser().newPage();
    opened.page = page;
    await page.goto(preview.url);
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await page.fill('#edit-subject', 'Shared on the network · Week {{week}}');
    await page.press('#edit-subject', 'Enter');
    await page.waitForFunction(() => !(window as unknown as { notReloaded?: boolean }).notReloaded, undefined, {
      timeout: 15_000,
    });
    expect(await page.locator('#issue-subject').textContent(), logs.slice(-5).join('\n')).toBe(
      'Shared on the network · Week 48',
    );
  });

  it.each([
    ['192.0.2.7', '192.0.2.7', true],
    ['::ffff:192.0.2.7', '::ffff:192.0.2.7', true],
    ['fd00::2', 'fd00::2', true],
    ['192.0.2.8', '192.0.2.7', false],
    ['::ffff:10.0.0.5', '::ffff:192.0.2.7', false],
    ['192.0.2.8', undefined, false],
  ])('counts a connection from %s to %s as from this machine: %s', (remote, local, expected) => {
    expect(fromThisMachine(remote, local)).toBe(expected);
  });
});
