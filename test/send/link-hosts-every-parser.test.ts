import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { perTest } from '../helpers/per-test.js';
import { oneStoryProject, runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A browser reads `\` after the host as `/` and the last `@` as the end of a user name; a mail client
 * parsing by RFC 3986 ends the host only at `/`, `?` or `#`, and may end the user name at the first
 * `@`. A link the two read as different hosts (https://good.example\@evil.example/) showed readers one
 * site on its card and could take them to another: every link is now written so that both read the
 * host the card shows.
 */

/** The host an RFC 3986 parser reads (Appendix B's pattern), the user name ending at the first `@`. */
function rfcHost(url: string): string {
  const authority = /^[^:/?#]+:\/\/([^/?#]*)/.exec(url)?.[1] ?? '';
  return authority
    .slice(authority.indexOf('@') + 1)
    .replace(/:\d*$/, '')
    .toLowerCase();
}

const whatwgHost = (url: string) => new URL(url).hostname;

const AMBIGUOUS = [
  ['a backslash before an @', 'https://good.example\\@evil.example/', 'good.example'],
  ['a backslash ending the host', 'https://good.example\\evil.example/a', 'good.example'],
  ['two @ in the user name', 'https://a@good.example@evil.example/', 'evil.example'],
  ['a backslash after a port', 'https://good.example:443\\@evil.example/', 'good.example'],
  ['slashes and a backslash after the scheme', 'https:///\\good.example\\@evil.example/', 'good.example'],
] as const;

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const linkOf = (link: string) =>
  parseSummary(`A title\n\nSummary\nA short summary.\n\nBest for: CTO\nLink: ${link}\n`, 'a.txt', taxonomy).summary
    ?.url;

describe('an article link every parser must read alike', () => {
  it.each(AMBIGUOUS)('%s is kept as a link both parsers read as the host a browser goes to', (_name, link, host) => {
    const kept = linkOf(link);
    expect(kept).toBeDefined();
    expect(whatwgHost(kept!)).toBe(host);
    expect(rfcHost(kept!)).toBe(host);
    expect(new URL(kept!).href).toBe(new URL(link).href);
  });

  it('a link both read alike is kept as written', () => {
    for (const link of [
      'https://user@good.example/a\\b',
      'https://good.example/a?b=\\@evil.example',
      'https://Bücher.example/',
    ])
      expect(linkOf(link)).toBe(link);
  });
});

const opened = perTest<{ server: TestSmtpServer; project: TempProject }>(['server', 'project']);

describe('a message sent with such a link', () => {
  it('names in every href the host its card shows, its footer links too', async () => {
    opened.project = await oneStoryProject([{ email: 'ann@example.com', roles: ['CTO'] }]);
    await opened.project.write(
      'issues/2026-W49/a.txt',
      'Queues\nSummary\nBound them.\nBest for: CTO\nLink: https://good.example\\@evil.example/\n',
    );
    await opened.project.write(
      'rolecast.config.json',
      JSON.stringify({
        sender: { name: 'Platform Notes', email: 'notes@platform.test' },
        listId: 'notes.platform.test',
        footer: { postalAddress: '1 Test Road, Berlin' },
        urls: { subscribe: 'https://good.example\\@evil.example/join' },
      }),
    );
    opened.server = await startSmtpServer();
    const sent = await runMain(opened.project.dir, ['send', 'issues/2026-W49', '--subscribers', 'subscribers.json'], {
      SMTP_URL: opened.server.url(),
    });
    expect(sent.code, sent.all).toBe(0);
    const [message] = await opened.server.messages();
    const html = String(message?.parsed.html);
    expect(html).toMatch(/Source: <a href="https:\/\/good\.example\/@evil\.example\/"[^>]*>good\.example<\/a>/);
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    const article = links.filter((href) => href.includes('evil.example'));
    // The cards' links, and the footer's signup link from the configuration.
    expect(article.length).toBeGreaterThan(3);
    expect(article).toContain('https://good.example/@evil.example/join');
    for (const href of article) expect([whatwgHost(href), rfcHost(href)]).toEqual(['good.example', 'good.example']);
    const text = String(message?.parsed.text);
    const inText = text.match(/https?:\S*evil\.example\S*/g) ?? [];
    expect(inText.length).toBeGreaterThan(0);
    for (const url of inText) expect(rfcHost(url)).toBe('good.example');
  });
});
