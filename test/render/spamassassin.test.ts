import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMailOptions } from '../../src/send/message.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { exampleAudience } from './_example.js';

/**
 * The example issue as sent, scored by SpamAssassin's local rules (`-L`: no network tests). There
 * is no skip: without spamassassin the test fails and says how to install it.
 */

const SPAMASSASSIN = ['/usr/bin/spamassassin', '/usr/local/bin/spamassassin'].find((p) => existsSync(p));

function score(message: Buffer): Promise<{ score: number; report: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(SPAMASSASSIN!, ['-L', '-t'], { maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => {
      // spamassassin -t exits 0 or 1 (spam) and prints the message with its report.
      if (error && typeof error.code !== 'number') return reject(error);
      const found = /X-Spam-Status: \w+, score=(-?[\d.]+)/.exec(stdout);
      if (!found) return reject(new Error(`no X-Spam-Status in spamassassin output:\n${stdout.slice(0, 2000)}`));
      resolve({ score: Number(found[1]), report: stdout.slice(stdout.indexOf('Content analysis details')) });
    });
    child.stdin?.end(message);
  });
}

describe('SpamAssassin (local rules)', () => {
  it('scores the sent messages at or below zero', async () => {
    const where = process.env.CI === 'true' ? 'CI must install it' : 'install it';
    expect(SPAMASSASSIN, `spamassassin not found (${where}: apt-get install -y spamassassin)`).toBeDefined();
    const { project, compiled, readerOf, messageFor } = await exampleAudience();
    for (const id of ['editor', 'cto', 'cto+executive']) {
      const variant = compiled.get(id)!;
      const reader = readerOf(id) ?? { email: 'editor@rolecast.example', name: 'Editor' };
      const mail = buildMailOptions(project.config, {
        to: { address: reader.email, name: reader.name },
        content: messageFor(variant, readerOf(id)),
        links: personalLinks(project.config, 'example-secret-0123456789abcdef', project.issue.id, reader.email),
        messageId: `<2026-W48.spam-check-${id.replace(/\W/g, '')}@rolecast.example>`,
        date: new Date('2026-11-26T08:00:00Z'),
      });
      const result = await score(mail.raw as Buffer);
      expect(result.score, `${id}:\n${result.report}`).toBeLessThanOrEqual(0);
      expect(result.report, id).not.toContain('HTML_FONT_LOW_CONTRAST');
    }
    // SpamAssassin loads its rules for each message: seconds each, far more on a loaded machine.
  }, 600_000);
});
