import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { perTest } from '../helpers/per-test.js';
import { oneStoryProject, runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A mail client that decodes a whole mailto link before splitting it reads
 * `mailto:a%40b.c%3Fbcc%3Dx@y.z` as `mailto:a@b.c?bcc=x@y.z`: the reader's reply would be copied to
 * whoever the link names. The link is judged as written and as decoded.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const text = (link: string) => `Pooling\n\nSummary\nTeams drown in alerts.\n\nBest for: CTO\n\nLink: ${link}\n`;
const json = (link: string) => JSON.stringify({ title: 'Pooling', summary: 'Teams drown.', roles: ['CTO'], url: link });

describe('a mailto link whose decoded form adds recipients or headers', () => {
  it.each([
    'mailto:a%40b.c%3Fbcc%3Dx@y.z',
    'mailto:editor%3Fcc%3Dwatcher@example.net',
    'mailto:editor@example.com?subject=Hi%26bcc%3Dwatcher@example.net',
    'mailto:editor@example.com?body=Hi%26to%3Dwatcher@example.net',
    'mailto:a%40evil.example%2Ceditor@example.com',
    'mailto:editor%40example.com@watcher.example',
  ])('is refused at its line: %s', (link) => {
    for (const [file, write] of [
      ['x.txt', text],
      ['x.json', json],
    ] as const) {
      const { summary, problems } = parseSummary(write(link), file, taxonomy);
      expect(summary, file).toBeUndefined();
      const problem = problems.find((p) => p.severity === 'error' && p.field === 'url');
      expect(problem?.message).toMatch(/adds recipients or mail headers/);
      expect(problem?.message).toContain('decode');
      expect(problem?.line).toBe(file === 'x.txt' ? 8 : 1);
    }
  });

  it.each([
    'mailto:editor@example.com?subject=Q%26A',
    'mailto:editor@example.com?subject=Why%3F%20Because&body=A%20%3D%20B',
    'mailto:%C3%BCn%C3%AF@example.com?subject=H%C3%A9',
    'mailto:editor@example.com?subject=Notes&body=Line%20one%0D%0ALine%20two',
    'mailto:first.last+news@example.com',
  ])('one address with a subject and a body is kept: %s', (link) => {
    expect(parseSummary(text(link), 'x.txt', taxonomy).summary?.url).toBe(link);
  });
});

const opened = perTest<{ server: TestSmtpServer; project: TempProject }>(['server', 'project']);

it('send refuses such a link and the server sees no message', async () => {
  opened.project = await oneStoryProject([{ email: 'ann@example.com', roles: ['CTO'] }]);
  await opened.project.write(
    'issues/2026-W49/a.txt',
    'Queues\nSummary\nBound them.\nBest for: CTO\nLink: mailto:a%40b.c%3Fbcc%3Dx@y.z\n',
  );
  opened.server = await startSmtpServer();
  const sent = await runMain(opened.project.dir, ['send', 'issues/2026-W49', '--subscribers', 'subscribers.json'], {
    SMTP_URL: opened.server.url(),
  });
  expect(sent.code, sent.all).not.toBe(0);
  expect(sent.err).toMatch(/a\.txt:5: url: is a mailto link that adds recipients or mail headers/);
  expect(opened.server.counts.mailFrom).toBe(0);
});
