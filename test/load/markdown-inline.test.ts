import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { parseSummary } from '../../src/load/summary.js';
import { createRenderer } from '../../src/render/index.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { fixtureProject } from '../render/_fixtures.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
]);
const doc = (...lines: string[]) => lines.join('\n');
const FRONTMATTER = ['---', 'title: Queues Are Not a Backlog', 'roles: [CTO]', 'source: Example Blog', '---'];
/** A Markdown summary with frontmatter and `body`; the file must load. */
const md = (...body: string[]) => {
  const loaded = parseSummary(doc(...FRONTMATTER, ...body), 'x.md', taxonomy);
  expect(loaded.summary, JSON.stringify(loaded.problems)).toBeDefined();
  return loaded.summary!;
};
/** The summary paragraph of a body with one `## Summary` section. */
const summaryOf = (...lines: string[]) => md('## Summary', ...lines).summary;

describe('Markdown inline marks reach readers as their text', () => {
  it('drops the stars and underscores of emphasis, also across a wrapped line', () => {
    expect(summaryOf('*Bound the queue* before it bounds you.')).toBe('Bound the queue before it bounds you.');
    expect(summaryOf('_Bound the queue_ before it bounds you.')).toBe('Bound the queue before it bounds you.');
    expect(summaryOf('*Bound the', 'queue* now.')).toBe('Bound the queue now.');
    expect(summaryOf('***Very*** important, **_both_** and **Bound *the* queue**.')).toBe(
      'Very important, both and Bound the queue.',
    );
    expect(summaryOf('"*Bound*," she said, *(really)*, for *$5*.')).toBe('"Bound," she said, (really), for $5.');
  });

  it('writes a code span as its content, stars and underscores included', () => {
    expect(summaryOf('Set `queue.max` to 100; the glob `a*b*c` and `__init__` stay.')).toBe(
      'Set queue.max to 100; the glob a*b*c and __init__ stay.',
    );
    expect(summaryOf('Write ``a ` b`` and `&amp;` and `\\*` as code.')).toBe('Write a ` b and &amp; and \\* as code.');
  });

  it('drops strikethrough tildes, and reads backslash escapes as the character', () => {
    expect(summaryOf('The price was ~~$10~~ $5.')).toBe('The price was $10 $5.');
    expect(summaryOf('Use \\*literal\\* stars, 5 \\_ 6 and a \\` tick.')).toBe(
      'Use *literal* stars, 5 _ 6 and a ` tick.',
    );
  });

  it('drops the backslash of a line break at the end of a line', () => {
    expect(summaryOf('Text one\\', 'line two, and C:\\ stays.')).toBe('Text one line two, and C:\\ stays.');
    expect(md('## Summary', 'Text.', '', '## Principles', '- Measure\\', '  depth.').principles).toEqual([
      'Measure depth.',
    ]);
  });

  it('writes an autolink as its address', () => {
    expect(summaryOf('Read <https://example.com/a_b_c> or mail <first_last@example.com>.')).toBe(
      'Read https://example.com/a_b_c or mail first_last@example.com.',
    );
  });

  it('writes a reference link the file defines as its text, and leaves the definition out', () => {
    expect(summaryOf('Read [the post][p] today.', '', '[p]: https://example.com/post')).toBe('Read the post today.');
    expect(summaryOf('Read [the post][] today.', '', '[The  Post]: https://example.com/post')).toBe(
      'Read the post today.',
    );
    expect(
      summaryOf('Read [Post] and [*the* notes][n].', '', '[post]: <https://example.com/p> "The post"', '[n]: /n'),
    ).toBe('Read Post and the notes.');
    // Below a "#" heading a definition may stand right away.
    const below = md('## Summary', 'Read [post].', '', '## Key takeaway', '[post]: https://example.com/p', 'Bound it.');
    expect([below.summary, below.takeaway]).toEqual(['Read post.', 'Bound it.']);
  });

  it('decodes character references, but never into a control character', () => {
    expect(summaryOf('R&amp;D costs &#8212; &#x2014; and &lt;b&gt; tags &copy; 2026.')).toBe(
      'R&D costs — — and <b> tags © 2026.',
    );
    expect(summaryOf('A bell &#7;, a break &#10;, an override &#8238;, &#0; and &foo; stay, as AT&T does.')).toBe(
      'A bell &#7;, a break &#10;, an override &#8238;, &#0; and &foo; stay, as AT&T does.',
    );
  });

  it('unmarks list items, paragraphs of a body without sections, and insights and topics', () => {
    const lists = md(
      '## Summary',
      'Text.',
      '',
      '## Key insights',
      '- *One* insight.',
      '',
      '## In practice',
      '* Use *depth* alerts.',
      '1. Keep `max_depth` low.',
      '',
      '## Topics',
      '- *AI*',
      '- cost_control',
    );
    expect(lists.insights).toBe('One insight.');
    expect(lists.practice).toEqual(['Use depth alerts.', 'Keep max_depth low.']);
    expect(lists.topics).toEqual(['AI', 'cost_control']);
    expect(md('The *author* argues that `queues` hide load.', '', '- *first* item', '- second_item').summary).toBe(
      'The author argues that queues hide load.\n\nfirst item\n\nsecond_item',
    );
  });

  it('unmarks the title line of a file without frontmatter, but not a "Title:" label', () => {
    const titled = (first: string) =>
      parseSummary(doc(first, '', 'Summary', 'The *author* argues.', '', 'Best for: CTO'), 'x.md', taxonomy).summary;
    expect(titled('# Queues Are *Not* a `Backlog`')).toMatchObject({
      title: 'Queues Are Not a Backlog',
      summary: 'The author argues.',
    });
    expect(titled('Title: Queues *Are* Not')?.title).toBe('Queues *Are* Not');
    const fenced = parseSummary(doc('```', '*Queues*', '```', 'Summary', 'Text.', 'Best for: CTO'), 'x.md', taxonomy);
    expect(fenced.summary?.title).toBe('*Queues*');
    expect(titled('# R&amp;D &#13;&#10; queues')?.title).toBe('R&D &#13;&#10; queues');
  });

  it('shows "Bound the queue" without stars in the rendered HTML and text parts', async () => {
    const loaded = parseSummary(
      doc(
        ...FRONTMATTER,
        '## Summary',
        '*Bound the queue* before it bounds you.',
        '',
        '## Key takeaway',
        '_Bound it_.',
      ),
      'queues.md',
      taxonomy,
    );
    const { id, roles, title, summary, takeaway } = loaded.summary!;
    const project = fixtureProject({ summaries: [{ id, roles, title, summary, takeaway }] });
    const summaries = project.issue.summaries;
    const renderer = await createRenderer(project);
    const compiled = await renderer.compile(buildVariant(summaries, effectiveRoleOrder(summaries, []), undefined));
    const message = compiled.personalise({
      email: 'reader@example.com',
      name: 'Ada',
      unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
      preferencesUrl: 'https://test.example/preferences?token=abc',
      viewOnlineUrl: 'https://test.example/archive/2026-W48/',
    });
    for (const part of [message.html, message.text]) {
      expect(part).toContain('Bound the queue before it bounds you.');
      expect(part).toContain('Bound it.');
      expect(part).not.toMatch(/[*_]Bound/);
    }
  });
});

describe('Markdown that only looks like inline marks reads as it always did', () => {
  it('keeps stars and underscores inside words, numbers and addresses', () => {
    expect(summaryOf('The snake_case_words and a_b_c stay; foo_bar_ and _foo_bar too.')).toBe(
      'The snake_case_words and a_b_c stay; foo_bar_ and _foo_bar too.',
    );
    expect(summaryOf('2*3*4 is 24, and a*b + c*d and 5*3*2 too.')).toBe('2*3*4 is 24, and a*b + c*d and 5*3*2 too.');
    expect(summaryOf('See https://example.com/a_b_c and https://x.test/*star* or www.example.com/a_b_.')).toBe(
      'See https://example.com/a_b_c and https://x.test/*star* or www.example.com/a_b_.',
    );
    expect(summaryOf('Archived at https://web.archive.org/web/*/example.com/* today.')).toBe(
      'Archived at https://web.archive.org/web/*/example.com/* today.',
    );
    expect(summaryOf('Mail first_last_name@example.com or see http://x.com/a_b_/c.')).toBe(
      'Mail first_last_name@example.com or see http://x.com/a_b_/c.',
    );
    expect(summaryOf('Export QUEUE_* and CACHE_*; match *.log and *.txt.')).toBe(
      'Export QUEUE_* and CACHE_*; match *.log and *.txt.',
    );
  });

  it('keeps double stars and underscores inside ASCII words, and unmarks emphasis between CJK characters', () => {
    expect(summaryOf('So x**2 + y**2 = r**2, and a__b__c and 2**3**4 stay.')).toBe(
      'So x**2 + y**2 = r**2, and a__b__c and 2**3**4 stay.',
    );
    expect(summaryOf('作者认为*队列*隐藏了负载，这是**重要**的。')).toBe('作者认为队列隐藏了负载，这是重要的。');
    expect(summaryOf('Fill in the ____ blank; the __init__ method is bold in Markdown.')).toBe(
      'Fill in the ____ blank; the init method is bold in Markdown.',
    );
  });

  it('unmarks bold that a word goes on after, as the previous release did', () => {
    expect(summaryOf('Teams ship more **PR**s and **API**s, **5**x faster, **Bold**ly.')).toBe(
      'Teams ship more PRs and APIs, 5x faster, Boldly.',
    );
    expect(summaryOf('So x**2 + y**2 = z**2 and **bold** text; **kwargs and **options.')).toBe(
      'So x**2 + y**2 = z**2 and bold text; **kwargs and **options.',
    );
    expect(summaryOf('foo**bar**baz and 中**文**字.')).toBe('foo**bar**baz and 中文字.');
  });

  it('keeps star ratings, footnote stars, lone tildes and blanks to fill in', () => {
    expect(summaryOf('Rated *****, or 4*, by readers; revenue grew 20%* in Q3.')).toBe(
      'Rated *****, or 4*, by readers; revenue grew 20%* in Q3.',
    );
    expect(summaryOf('Latency was ~20ms vs ~~35ms earlier, a ~single~ tilde, and the ____ blank.')).toBe(
      'Latency was ~20ms vs ~~35ms earlier, a ~single~ tilde, and the ____ blank.',
    );
    expect(summaryOf('The path is C:\\Users\\admin\\queue and regex \\d+ stays; so does an empty ` ` span.')).toBe(
      'The path is C:\\Users\\admin\\queue and regex \\d+ stays; so does an empty ` ` span.',
    );
    expect(summaryOf('The ` character starts code in Markdown.')).toBe('The ` character starts code in Markdown.');
  });

  it('keeps the brackets of a reference the file does not define', () => {
    expect(summaryOf('Read [the post][p] today; index m[i][j], a[0]; [sic].')).toBe(
      'Read [the post][p] today; index m[i][j], a[0]; [sic].',
    );
    expect(summaryOf('Steps:', '- [ ] audit queues', '- [x] set limits')).toBe(
      // A task list's box is not a reference: it is left out (see task-list-item.test.ts).
      'Steps:\n\naudit queues\n\nset limits',
    );
    // A footnote is left out with its mark, with a warning (see markdown-footnotes.test.ts).
    expect(summaryOf('A claim[^1].', '', '[^1]: https://example.com/n')).toBe('A claim.');
  });

  it('keeps a definition alone under its heading, which would leave the section empty', () => {
    expect(md('## Summary', '[a]: https://x.test/a', '', '## Key takeaway', 'See [a].')).toMatchObject({
      summary: '[a]: https://x.test/a',
      takeaway: 'See [a].',
    });
    const plain = parseSummary(
      doc(
        '# Title',
        '',
        'Best for: CTO',
        '',
        'Summary',
        '',
        '[docs]: https://x.test/d',
        '',
        'Key takeaway',
        'Read the [docs].',
      ),
      'x.md',
      taxonomy,
    );
    expect(plain.summary).toMatchObject({ summary: '[docs]: https://x.test/d', takeaway: 'Read the [docs].' });
  });

  it('keeps a definition-like line inside a paragraph, and one nothing uses', () => {
    expect(summaryOf('The author argues.', '[Update]: Revised.', 'More text here.')).toBe(
      'The author argues. [Update]: Revised. More text here.',
    );
    expect(summaryOf('The author argues.', '[p]: https://example.com/p', 'See [p].')).toBe(
      'The author argues. [p]: https://example.com/p See [p].',
    );
    expect(summaryOf('The author argues.', '', '[p]: https://example.com/p')).toBe(
      'The author argues.\n\n[p]: https://example.com/p',
    );
  });

  it('reads labels, the frontmatter and a code fence as written', () => {
    const labelled = parseSummary(
      doc(
        '---',
        'title: "*Queues* `are` not_a_backlog"',
        'roles: [CTO]',
        'topics: ["*AI*"]',
        '---',
        '## Summary',
        'The *text*.',
        '',
        'Source: *Example Weekly*',
        'Link: https://x.test/*star*',
      ),
      'x.md',
      taxonomy,
    ).summary;
    expect(labelled).toMatchObject({
      title: '*Queues* `are` not_a_backlog',
      topics: ['*AI*'],
      summary: 'The text.',
      source: '*Example Weekly*',
      url: 'https://x.test/*star*',
    });
    const noFrontmatter = parseSummary(
      doc('# Title', '', 'Summary', 'Text.', '', 'Best for: *CTO*', 'Link: <https://example.com/a_b>'),
      'x.md',
      taxonomy,
    );
    expect(noFrontmatter.summary).toMatchObject({ roles: ['*CTO*'], url: 'https://example.com/a_b' });
    expect(summaryOf('The config:', '```', 'max_depth: *5* and `x`', '```', 'Then *restart*.')).toBe(
      'The config: max_depth: *5* and `x` Then restart.',
    );
  });

  it('reads structure on the line as written: "* item" is a list item, "`## Summary`" no heading', () => {
    expect(
      md('## Summary', 'Text.', '', '## Principles', '* Measure *depth* first.', '* Alert on age.').principles,
    ).toEqual(['Measure depth first.', 'Alert on age.']);
    expect(
      summaryOf('Write the file like this:', '`## Summary` then a paragraph.', '`Roles: admin` is the default.'),
    ).toBe('Write the file like this: ## Summary then a paragraph. Roles: admin is the default.');
  });

  it('reads .txt and .json summaries with their marks as written (both read "&amp;" as "&")', () => {
    const text = parseSummary(
      doc(
        'Title *x*',
        '',
        'Summary',
        'The *author* `argues` &amp; [more][m].',
        '',
        '[m]: https://x.test',
        'Best for: CTO',
      ),
      'x.txt',
      taxonomy,
    ).summary;
    expect([text?.title, text?.summary]).toEqual([
      'Title *x*',
      'The *author* `argues` & [more][m].\n\n[m]: https://x.test',
    ]);
    const json = parseSummary(
      JSON.stringify({ title: 'T *x*', summary: 'The *author* `argues` &amp;.', roles: ['CTO'] }),
      'x.json',
      taxonomy,
    ).summary;
    expect([json?.title, json?.summary]).toEqual(['T *x*', 'The *author* `argues` &.']);
  });
});

describe('Markdown links in a body', () => {
  it('write a link whose address holds parentheses or a title as its text, and leave such an image out', () => {
    expect(
      summaryOf(
        'See [the wiki](https://en.wikipedia.org/wiki/Queue_(abstract_data_type)), [the post](https://x.test/a "Title")',
        "and [notes](<https://x.test/my notes>) ![chart](c.png 'Chart') now.",
      ),
    ).toBe('See the wiki, the post and notes now.');
  });

  it('read the address of a "Link:" line written as a one-word Markdown link, where it was refused', () => {
    for (const line of ['Link: [here](https://example.com/p)', '**Link:** [here](https://example.com/p)']) {
      const loaded = parseSummary(doc('# Title', '', 'Summary', 'Text.', '', 'Best for: CTO', line), 'x.md', taxonomy);
      expect(loaded.problems).toEqual([]);
      expect(loaded.summary?.url).toBe('https://example.com/p');
    }
  });

  it('write a link whose text is a code span as its text, and read a Source: line with one as before', () => {
    expect(
      summaryOf('Call [`parseSummary()`](https://x.test/api#parse) and [`build`](https://x.test/b "Build").'),
    ).toBe('Call parseSummary() and build.');
    expect(summaryOf('See [`x`][r] and ![`chart`](https://x.test/c.png) now.', '', '[r]: https://x.test/r')).toBe(
      'See x and now.',
    );
    const sourced = parseSummary(
      doc(
        '# [`rolecast`](https://x.test) news',
        '',
        'Summary',
        'Text.',
        '',
        'Best for: CTO',
        'Source: [`Acme` Weekly](https://x.test/p)',
      ),
      'x.md',
      taxonomy,
    );
    expect(sourced.summary).toMatchObject({ title: 'rolecast news', source: '`Acme` Weekly' });
    // A code span that goes on past the link's text makes it no link, as in CommonMark.
    expect(summaryOf('See [a `b](https://x.test) c` now.')).toBe('See [a b](https://x.test) c now.');
  });

  it('keep brackets written with a backslash, as a Markdown preview shows them', () => {
    expect(summaryOf('Literal \\[not a link\\](x) and \\[x\\] and [a\\](b) stay.')).toBe(
      'Literal [not a link](x) and [x] and [a](b) stay.',
    );
  });

  it('leave out a badge, a link holding only an image', () => {
    expect(
      summaryOf('Status: [![CI](https://x.test/ci.svg)](https://x.test/ci) and [![npm][b]](https://x.test/n) done.'),
    ).toBe('Status: and [![npm][b]](https://x.test/n) done.');
  });

  it('read other link lines and labels as before', () => {
    // Read as the link, these would repeat the frontmatter's url and the file would be refused.
    const repeated = parseSummary(
      doc(
        '---',
        'title: T',
        'roles: [CTO]',
        'url: https://example.com/p',
        '---',
        '## Summary',
        'Text.',
        '',
        'Link: [the post](https://example.com/p)',
      ),
      'x.md',
      taxonomy,
    );
    expect(repeated.summary?.summary).toBe('Text.\n\nLink: the post');
    const withUrl = parseSummary(
      doc(
        '---',
        'title: T',
        'roles: [CTO]',
        'url: https://example.com/p',
        '---',
        'Text.',
        '',
        'Link: [here](https://example.com/p "T")',
      ),
      'x.md',
      taxonomy,
    );
    expect(withUrl.problems).toEqual([]);
    expect(withUrl.summary?.summary).toBe('Text.\n\nLink: here');
    const source = parseSummary(
      doc(
        '---',
        'title: T',
        'roles: [CTO]',
        '---',
        '## Summary',
        'Text.',
        '',
        'Source: [Acme](https://example.com/p "T")',
      ),
      'x.md',
      taxonomy,
    );
    expect(source.summary?.source).toBe('[Acme](https://example.com/p "T")');
  });
});

describe('a Link: line whose link text has several words', () => {
  it('is the article link when the file gives no other', () => {
    const body = ['## Summary', 'Bound the queue.', '', 'Link: [the whole post](https://example.com/q)'];
    const loaded = parseSummary(doc(...FRONTMATTER, ...body), 'x.md', taxonomy);
    expect(loaded.problems).toEqual([]);
    expect(loaded.summary).toMatchObject({ url: 'https://example.com/q', summary: 'Bound the queue.' });
  });

  it('beside another link, stays text as before, and a warning on its line says the article link was not read', () => {
    const body = ['## Summary', 'Bound the queue.', '', 'Link: [the whole post](https://example.com/q)'];
    const withUrl = [...FRONTMATTER.slice(0, -1), 'url: https://example.com/p', '---'];
    const loaded = parseSummary(doc(...withUrl, ...body), 'x.md', taxonomy);
    expect(loaded.summary?.url).toBe('https://example.com/p');
    expect(loaded.summary?.summary).toBe('Bound the queue.\n\nLink: the whole post');
    const warning = loaded.problems.find((p) => p.field === 'url');
    expect(warning).toMatchObject({ severity: 'warning', line: withUrl.length + 4 });
    expect(warning?.message).toMatch(/not as the article link/);
  });

  it('beside a "Link:" line with the address right under it, that line still gives the article link', () => {
    for (const next of ['Link: https://example.com/q', 'URL: https://example.com/q']) {
      const body = ['## Summary', 'Bound the queue.', '', 'Link: [the whole post](https://example.com/p)', next];
      const loaded = parseSummary(doc(...FRONTMATTER, ...body), 'x.md', taxonomy);
      expect(loaded.summary).toMatchObject({
        url: 'https://example.com/q',
        summary: 'Bound the queue.\n\nLink: the whole post',
      });
      expect(loaded.problems.find((p) => p.field === 'url')?.line).toBe(FRONTMATTER.length + 4);
    }
  });

  it('gives no warning where the label reads the link (one word) or the line is prose', () => {
    const one = parseSummary(
      doc(...FRONTMATTER, '## Summary', 'Bound the queue.', '', 'Link: [post](https://example.com/q)'),
      'x.md',
      taxonomy,
    );
    expect(one.summary?.url).toBe('https://example.com/q');
    expect(one.problems.filter((p) => p.field === 'url')).toEqual([]);
    const prose = parseSummary(
      doc(...FRONTMATTER, '## Summary', 'Read [the whole post](https://example.com/q) first.'),
      'x.md',
      taxonomy,
    );
    expect(prose.problems.filter((p) => p.field === 'url')).toEqual([]);
  });
});
