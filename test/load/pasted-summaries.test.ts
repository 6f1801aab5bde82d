import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Summaries as editors paste them from documents, chat tools and Markdown editors. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
  { name: 'ML Engineer', aliases: [] },
  { name: 'Product Manager', aliases: [] },
]);

const parse = (file: string, ...lines: string[]) => parseSummary(`${lines.join('\n')}\n`, file, taxonomy);

describe('summaries as editors paste them', () => {
  it('keeps an English "Roles：" or "Audience：" label inside CJK prose as the prose it is', () => {
    const { summary, problems } = parse(
      'cjk.txt',
      '大模型的成本',
      'Summary',
      '文章认为推理成本正在下降。',
      'Roles：工程经理、架构师都需要理解这一点',
      '缓存可以大幅降低成本',
      'Audience：面向平台团队的读者',
      'Best for: CTO, ML Engineer',
    );
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['CTO', 'ML Engineer']);
    expect(summary?.summary).toBe(
      '文章认为推理成本正在下降。 Roles：工程经理、架构师都需要理解这一点 缓存可以大幅降低成本 Audience：面向平台团队的读者',
    );
  });

  it('reads a full-width "Audience：" or "Roles：" line under the summary as the roles when no other line gives them', () => {
    for (const [prose, label] of [
      ['The survey covered 400 engineering leaders', 'Audience：CTO, ML Engineer'],
      ['作者调查了400位工程负责人', 'Roles：CTO、ML Engineer'],
    ]) {
      const { summary, problems } = parse('wide-roles.txt', 'Title', 'Summary', prose!, label!);
      expect(problems).toEqual([]);
      expect(summary).toMatchObject({ roles: ['CTO', 'ML Engineer'], summary: prose });
    }
  });

  it('reads "Link: [the whole post](https://…)" in a Markdown body as the article link when the file gives no other', () => {
    for (const label of ['Link:', '**Link:**']) {
      const { summary, problems } = parse(
        'edge.md',
        '# Caching at the Edge',
        '',
        '## Summary',
        'Edge caches cut latency for global users.',
        '',
        'Best for: CTO',
        `${label} [Read the whole post](https://example.com/edge)`,
      );
      expect(problems).toEqual([]);
      expect(summary?.url).toBe('https://example.com/edge');
      expect(summary?.summary).toBe('Edge caches cut latency for global users.');
    }
    // Beside the frontmatter's link, or going on a sentence, it stays text, with the warning.
    const front = parse(
      'f.md',
      '---',
      'title: T',
      'roles: [CTO]',
      'url: https://example.com/p',
      '---',
      '## Summary',
      'Text.',
      '',
      'Link: [the post](https://example.com/q)',
    );
    expect(front.summary?.url).toBe('https://example.com/p');
    expect(front.problems.map((p) => `${p.line} ${p.field}`)).toEqual(['9 url']);
    const wrapped = parse(
      'w.md',
      '# T',
      '## Summary',
      'Edge caches cut latency',
      'Link: [the post](https://example.com/q)',
      'Best for: CTO',
    );
    expect(wrapped.summary).toMatchObject({ summary: 'Edge caches cut latency Link: the post' });
    expect(wrapped.summary?.url).toBeUndefined();
    expect(wrapped.problems.map((p) => `${p.line} ${p.field}`)).toEqual(['4 url']);
  });

  it('shows a quoted passage of a Markdown body without its "> " marks, and keeps ">50%"', () => {
    const { summary, problems } = parse(
      'quote.md',
      '# Quoting the Author',
      '',
      '## Summary',
      '> Latency is a feature.',
      '> > Treat it as one.',
      '> — Jane Doe',
      '',
      'The survey of 400 teams found',
      '>50% of teams lack latency budgets.',
      '',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'Latency is a feature. Treat it as one. — Jane Doe\n\nThe survey of 400 teams found >50% of teams lack latency budgets.',
    );
  });

  it('keeps the brackets of a numbered citation whose reference the Markdown file defines', () => {
    const { summary, problems } = parse(
      'cites.md',
      '# Numbered Citations',
      '',
      '## Summary',
      'Cold starts dominate tail latency [1] and cost [2], as [the survey][1] shows.',
      '',
      '[1]: https://example.com/ref1',
      '[2]: https://example.com/ref2',
      '',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Cold starts dominate tail latency [1] and cost [2], as the survey shows.');
  });

  it('keeps "— Name, Title at Company" under a quotation with the quote, dash and all', () => {
    const { summary, problems } = parse(
      'quote.txt',
      'Latency as a Feature',
      'Summary',
      '“Latency is a feature.”',
      '— Jane Doe, CTO at Example Corp',
      '',
      'The article explains why.',
      'Key insights',
      '— Teams say “ship it”',
      '— Another insight follows',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      '“Latency is a feature.” — Jane Doe, CTO at Example Corp\n\nThe article explains why.',
    );
    expect(summary?.insights).toBe('Teams say “ship it”\n\nAnother insight follows');
  });

  it('reads an em-dash list under a line ending in a quotation as its items, not as who said it', () => {
    const { summary, problems } = parse(
      'quote-list.txt',
      'Latency as a Feature',
      'Summary',
      'The team said “ship it”',
      '— Latency Budgets Per Team',
      '— Alerts On The Budget',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).not.toContain('“ship it” —');
    expect(summary?.summary?.startsWith('The team said “ship it”\n\n')).toBe(true);
  });

  it('reads "**Summary:** text" pasted from a chat tool as the heading and its text', () => {
    const { summary, problems } = parse(
      'chat.txt',
      'Alert Fatigue',
      '**Summary:** Teams drown in alerts.',
      '**Key takeaway:** Delete half your alerts.',
      '**Topics:** Alerting, On-call',
      '**Best for:** CTO',
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      summary: 'Teams drown in alerts.',
      takeaway: 'Delete half your alerts.',
      topics: ['Alerting', 'On-call'],
      roles: ['CTO'],
    });
  });

  it('reads the labels of a summary exported from a notes app with an emoji before each', () => {
    const { summary, problems } = parse(
      'notion.txt',
      '📝 Postmortems That Stick',
      '📌 Summary',
      'Postmortems fail when actions have no owner.',
      '🎯 Best for: Executive, CTO',
      '🔗 Link: https://example.com/pm',
      '📰 Source: Example Weekly',
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      title: '📝 Postmortems That Stick',
      roles: ['Executive', 'CTO'],
      url: 'https://example.com/pm',
      source: 'Example Weekly',
    });
  });

  it('reads headings and labels holding zero-width characters pasted from a web page', () => {
    const { summary, problems } = parse(
      'pasted.txt',
      'Invisible Characters',
      'Summ\u200bary',
      'First paragraph.',
      '\u200b',
      'Second paragraph.',
      '\u200bKey\u200b takeaway',
      'Watch out.',
      'Best\u2060 for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      summary: 'First paragraph.\n\nSecond paragraph.',
      takeaway: 'Watch out.',
      roles: ['CTO'],
    });
  });

  it('reads roles written as a list in brackets or with a final "and"', () => {
    const roles = (line: string) => parse('roles.txt', 'T', 'Summary', 'Text.', line).summary?.roles;
    expect(roles('Best for: CTO, Executive, and Product Manager.')).toEqual(['CTO', 'Executive', 'Product Manager']);
    expect(roles('Best for: CTO, Executive or ML Engineer, or Product Manager')).toEqual([
      'CTO',
      'Executive or ML Engineer',
      'Product Manager',
    ]);
    expect(roles('Best for: (CTO, Executive)')).toEqual(['CTO', 'Executive']);
    expect(roles('Best for: [CTO, ML Engineer]')).toEqual(['CTO', 'ML Engineer']);
    const json = parseSummary(
      JSON.stringify({ title: 'T', summary: 'S', roles: 'CTO, and Executive' }),
      'j.json',
      taxonomy,
    );
    expect(json.summary?.roles).toEqual(['CTO', 'Executive']);
  });

  it('reads a roles list of YAML or JSON whose last entry opens with "and"', () => {
    const markdown = parse(
      'list.md',
      '---',
      'title: T',
      'roles: [CTO, Executive, and Product Manager]',
      '---',
      '## Summary',
      'Text.',
    );
    expect(markdown.summary?.roles).toEqual(['CTO', 'Executive', 'Product Manager']);
    const json = parseSummary(
      JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO', 'or Executive'] }),
      'j.json',
      taxonomy,
    );
    expect(json.summary?.roles).toEqual(['CTO', 'Executive']);
    // Only after the first entry: a role of its own name is left as it is.
    const first = parseSummary(JSON.stringify({ title: 'T', summary: 'S', roles: ['& Co Lead'] }), 'k.json', taxonomy);
    expect(first.summary?.roles).toEqual(['& Co Lead']);
  });

  it('reads "Originally published at https://…" as the article link when no line gives another', () => {
    const closing = (...lines: string[]) =>
      parse(
        'async.txt',
        'Async Standups',
        'Summary',
        'Written standups free an hour a day.',
        'Best for: CTO',
        ...lines,
      );
    const alone = closing('Originally published at https://example.com/async.');
    expect(alone.problems).toEqual([]);
    expect(alone.summary).toMatchObject({
      url: 'https://example.com/async',
      attribution: 'Originally published at https://example.com/async.',
    });
    const linked = closing('Link: https://example.com/mirror', 'Originally published at https://example.com/async');
    expect(linked.problems).toEqual([]);
    expect(linked.summary?.url).toBe('https://example.com/mirror');
  });

  it("reads a link in smart quotes and a word processor's line and page breaks inside a paragraph", () => {
    const { summary, problems } = parse(
      'word.txt',
      'Soft Breaks',
      'Summary',
      'First line\vsecond line.\f',
      'Best for: CTO',
      'Link: “https://example.com/q”',
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ summary: 'First line second line.', url: 'https://example.com/q' });
  });

  it('reads a Markdown "Link:" line whose link has a title after its address', () => {
    for (const link of ['[here](https://example.com/p "The post")', "[the whole post](https://example.com/p 'Post')"]) {
      const { summary, problems } = parse(
        'titled.md',
        '# T',
        '',
        '## Summary',
        'Text.',
        '',
        'Best for: CTO',
        `Link: ${link}`,
      );
      expect(problems).toEqual([]);
      expect(summary).toMatchObject({ url: 'https://example.com/p', summary: 'Text.' });
    }
  });

  it('names the line of a roles label written with a dash where its colon goes', () => {
    const { summary, problems } = parse(
      'dash.txt',
      'Incident Reviews',
      'Summary',
      'Blameless reviews surface more causes.',
      'Audience — Engineering Manager, SRE',
      'Link: https://example.com/incidents',
    );
    expect(summary).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 4,
        field: 'roles',
        message: 'the "Best for:" line is missing: "Audience — Engineering Manager, SRE" has no colon after "Audience"',
      }),
    ]);
  });

  it('reads the address noted after a closing source line as the article link when no line gives another', () => {
    const closing = (...lines: string[]) =>
      parse('via.txt', 'Monorepos', 'Summary', 'Monorepos make changes atomic.', 'Best for: CTO', ...lines);
    for (const [line, source] of [
      ['Via Example Weekly (https://example.com/m)', 'Example Weekly'],
      ['— Jane Doe, Example Weekly (https://example.com/m)', 'Jane Doe, Example Weekly'],
      ['Originally published by Example Weekly (https://example.com/m).', 'Example Weekly'],
    ]) {
      const { summary, problems } = closing(line!);
      expect(problems).toEqual([]);
      expect(summary).toMatchObject({ source, url: 'https://example.com/m' });
    }
    // A name alone notes the person's own page, which is not the article.
    const person = closing('— Jane Doe (https://example.com/@janedoe)');
    expect(person.problems).toEqual([]);
    expect(person.summary).toMatchObject({ source: 'Jane Doe' });
    expect(person.summary?.url).toBeUndefined();
    // Another line giving the link is the link: the noted address is not, and nothing is refused.
    const bare = closing('Via Example Weekly (https://example.com/weekly)', 'https://example.com/article');
    expect(bare.problems).toEqual([]);
    expect(bare.summary?.url).toBe('https://example.com/article');
    const published = closing('Originally published at https://example.com/a', 'https://example.com/b');
    expect(published.problems).toEqual([]);
    expect(published.summary?.url).toBe('https://example.com/b');
  });

  it("leaves the article link to a Markdown summary's frontmatter url, an address on a closing line beside it refusing nothing", () => {
    for (const line of [
      'Via Example Weekly (https://example.com/weekly)',
      '— Jane Doe, Example Weekly (https://example.com/a)',
      'Originally published at https://example.com/a',
    ]) {
      const { summary, problems } = parse(
        'closing.md',
        '---',
        'title: Monorepos',
        'url: https://example.com/a',
        '---',
        '## Summary',
        'Monorepos make changes atomic.',
        '',
        'Best for: CTO',
        '',
        line,
      );
      expect(problems).toEqual([]);
      expect(summary?.url).toBe('https://example.com/a');
    }
  });
});
