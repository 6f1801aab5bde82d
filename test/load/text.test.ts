import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { parseSummaryText, splitRoles } from '../../src/load/text.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { SEED_FILE } from '../helpers/project.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Executive', aliases: ['CEO'] },
  { name: 'VP of Engineering/Data', aliases: [] },
  { name: 'Director of AI/ML', aliases: [] },
  { name: 'AI Architect', aliases: [] },
  { name: 'Consultant', aliases: [] },
]);

const MINIMAL = ['A Title', 'Summary', 'Some summary text.', 'Best for: CTO'];
const doc = (...lines: string[]) => lines.join('\n');

describe('editorial summary text format', () => {
  it.each([
    {
      name: 'paragraph sections',
      text: doc(
        'Title',
        'Summary',
        'First line',
        'wrapped on two lines.',
        'Key takeaway',
        'Do the thing.',
        'Key insights',
        'One insight.',
        'Best for: CTO',
      ),
      expect: { summary: 'First line wrapped on two lines.', takeaway: 'Do the thing.', insights: 'One insight.' },
    },
    {
      name: 'bullet sections with every bullet marker',
      text: doc(
        ...MINIMAL,
        'Principles',
        '- one',
        '* two',
        '• three',
        'In practice',
        '1. first',
        '2) second',
        'Topics',
        '- A',
        '- B',
      ),
      expect: { principles: ['one', 'two', 'three'], practice: ['first', 'second'], topics: ['A', 'B'] },
    },
    {
      name: 'a bullet continued on the next line',
      text: doc(...MINIMAL, 'Principles', '- a long principle', 'that wraps', '- short'),
      expect: { principles: ['a long principle that wraps', 'short'] },
    },
    {
      name: 'headings with colons, other case and inline content',
      text: doc('T', 'SUMMARY:', 'Text.', 'key takeaway: Inline takeaway.', 'Best for: CTO'),
      expect: { summary: 'Text.', takeaway: 'Inline takeaway.' },
    },
    {
      name: 'Markdown-style headings',
      text: doc('T', '## Summary', 'Text.', '### Topics', '- x', 'Best for: CTO'),
      expect: { summary: 'Text.', topics: ['x'] },
    },
    {
      name: 'blank lines between paragraphs',
      text: doc('T', '', 'Summary', '', 'Para one.', '', 'Para two.', '', 'Best for: CTO'),
      expect: { summary: 'Para one.\n\nPara two.' },
    },
    {
      name: 'roles split on commas only',
      text: doc('T', 'Summary', 'x', 'Best for: VP of Engineering/Data, Director of AI/ML ,CTO.'),
      expect: { roles: ['VP of Engineering/Data', 'Director of AI/ML', 'CTO'] },
    },
    {
      name: 'attribution with source',
      text: doc(...MINIMAL, 'Related on Example', 'Summary by us. Original article published by Some Blog (Ops).'),
      expect: {
        source: 'Some Blog (Ops)',
        attribution: 'Summary by us. Original article published by Some Blog (Ops).',
      },
    },
    {
      name: 'a link line',
      text: doc(...MINIMAL, 'Link: https://example.com/a?b=c'),
      expect: { url: 'https://example.com/a?b=c' },
    },
  ])('reads $name', ({ text, expect: expected }) => {
    const { raw, problems } = parseSummaryText(text, 'x.txt');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(raw).toMatchObject(expected);
  });

  it.each([
    ['CRLF', (s: string) => s.replace(/\n/g, '\r\n')],
    ['CR only', (s: string) => s.replace(/\n/g, '\r')],
    ['a BOM', (s: string) => `\uFEFF${s}`],
    ['trailing spaces and tabs', (s: string) => s.replace(/\n/g, '  \t\n')],
    ['leading blank lines', (s: string) => `\n\n${s}`],
  ])('tolerates %s', (_name, mangle) => {
    const plain = doc('My Title', 'Summary', 'Text here.', 'Principles', '- p1', 'Best for: CTO, Executive');
    const { summary, problems } = parseSummary(mangle(plain), 'a.txt', taxonomy);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      title: 'My Title',
      summary: 'Text here.',
      principles: ['p1'],
      roles: ['CTO', 'Executive'],
    });
  });

  it('warns about an unknown heading with its line, and ignores its content', () => {
    const { raw, problems } = parseSummaryText(doc(...MINIMAL, 'Further Reading', 'something'), 'x.txt');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 5,
        message: expect.stringContaining('unknown heading "Further Reading"'),
      }),
    ]);
    expect(JSON.stringify(raw)).not.toContain('something');
  });

  it('reads a Markdown-marked heading as a heading, however it is worded, in text and in Markdown with front matter', () => {
    const body = [
      'Summary',
      'The summary.',
      '',
      '## Pitfalls',
      '- Hidden pitfall',
      '',
      'Pitfall paragraph.',
      '',
      '## Principals',
      '- A principle',
      '',
      '### Notes from the field',
      'Sub text.',
    ];
    const text = parseSummaryText(doc('A Title', ...body, 'Best for: CTO'), 'x.txt');
    const markdown = parseSummary(doc('---', 'title: A Title', 'roles: [CTO]', '---', '', ...body), 'x.md', taxonomy);
    for (const { summary, problems } of [{ summary: text.raw, problems: text.problems }, markdown]) {
      expect((summary as { summary?: string })?.summary).toBe('The summary.');
      expect((summary as { principles?: string[] })?.principles).toEqual(['A principle']);
      expect(JSON.stringify(summary)).not.toMatch(/##|Pitfall|Sub text/);
      expect(problems.map((p) => p.message)).toEqual([
        expect.stringContaining('unknown heading "Pitfalls"; its content is ignored'),
        expect.stringContaining('unknown heading "Principals", read as "Principles"'),
        expect.stringContaining('unknown heading "Notes from the field"; its content is ignored'),
      ]);
    }
  });

  it('reads a "Best for" list wrapped after a comma onto the next lines', () => {
    const { summary, problems } = parseSummary(
      doc(
        'T',
        'Summary',
        'x',
        'Best for: CTO, Executive,',
        '   Consultant,',
        '  AI Architect',
        '',
        'Source: Example News',
      ),
      'a.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['CTO', 'Executive', 'Consultant', 'AI Architect']);
    expect(summary?.source).toBe('Example News');
    // A trailing comma before the source line does not take the source in.
    const trailing = parseSummary(
      doc('T', 'Summary', 'x', 'Best for: CTO,', 'Source: Example News'),
      'b.txt',
      taxonomy,
    );
    expect(trailing.summary?.roles).toEqual(['CTO']);
    expect(trailing.summary?.source).toBe('Example News');
  });

  it('counts the lines a Markdown body’s problems quote from the top of the file, below its frontmatter', () => {
    const file = doc(
      '---',
      'title: T',
      'roles: [CTO]',
      '---',
      '',
      '## Summary',
      '',
      'Body.',
      '',
      '## Key takeaway',
      '',
      'One.',
      '',
      '## Key takeaway',
      '',
      'Two.',
    );
    const { problems } = parseSummary(file, 'x.md', taxonomy);
    expect(problems).toEqual([
      expect.objectContaining({ line: 14, message: '"Key takeaway" appears again (first on line 10)' }),
    ]);
  });

  it('normalises alias roles and drops duplicates', () => {
    const { summary } = parseSummary(
      doc('T', 'Summary', 'x', 'Best for: Chief Technology Officer, cto, CEO'),
      'a.txt',
      taxonomy,
    );
    expect(summary?.roles).toEqual(['CTO', 'Executive']);
  });

  it('warns about an unknown role and names the closest known one', () => {
    const { summary, problems } = parseSummary(doc('T', 'Summary', 'x', 'Best for: Consultent'), 'a.txt', taxonomy);
    expect(summary?.roles).toEqual(['Consultent']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 4,
        message: 'unknown role "Consultent"',
        hint: expect.stringContaining('Consultant'),
      }),
    ]);
  });

  it('adds the roles of a second "Best for:" line, with a warning naming both lines', () => {
    const { summary, problems } = parseSummary(
      doc('T', 'Summary', 'x', 'Best for: CTO, Consultant', 'Link: https://example.com/a', 'Best for: Executive'),
      'a.txt',
      taxonomy,
    );
    expect(summary?.roles).toEqual(['CTO', 'Consultant', 'Executive']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 6,
        field: 'roles',
        message: '"Best for:" appears again (first on line 4)',
      }),
    ]);
  });

  it.each([
    ['a title', 'Best for small teams\n\nSummary\nWhat it says.\n'],
    ['a sentence of the summary', 'Title\n\nSummary\nBest for small teams that run their own servers.\n'],
  ])('without a "Best for:" line, never blame %s that starts "Best for" for a missing colon', (_what, text) => {
    const { problems } = parseSummary(text, 'a.txt', taxonomy);
    expect(problems.map((p) => p.message)).toContain('the "Best for:" line is missing');
    expect(problems.map((p) => p.message).join('\n')).not.toContain('has no colon');
  });

  it.each([
    ['an empty "Best for:" line', ['Best for:'], 4, 'the "Best for:" line names no role'],
    ['a "Best for:" line of commas', ['Best for: , ,'], 4, 'the "Best for:" line names no role'],
    ['no "Best for:" line', [], 3, 'the "Best for:" line is missing'],
    [
      'a "Best for" line without its colon',
      ['', 'Best for CTO, Executive', '', 'Source: Example'],
      5,
      'the "Best for:" line is missing: "Best for CTO, Executive" has no colon after "Best for"',
    ],
  ])('says what is wrong with %s, at its line', (_name, tail, line, message) => {
    const { summary, problems } = parseSummary(doc('T', 'Summary', 'x', ...tail), 'a.txt', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        line,
        field: 'roles',
        message,
        hint: expect.stringContaining('Best for: Role'),
      }),
    ]);
  });

  it('takes the same source named twice, on a "Source:" line and the attribution line', () => {
    const { summary, problems } = parseSummary(
      doc(...MINIMAL, 'Source: Acme Weekly', 'Original article published by Acme Weekly.'),
      'a.txt',
      taxonomy,
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.source).toBe('Acme Weekly');
  });

  it.each([
    ['link', ['Link: javascript:alert(1)', 'Link: https://example.com/ok'], 'url'],
    ['source', ['Source: First Press', 'Source: Second Press'], 'source'],
    ['date', ['Date: 2026-11-30', 'Date: 2026-12-01'], 'date'],
  ])('refuses a second %s line, naming both lines, instead of keeping either silently', (_what, twice, field) => {
    const { summary, problems } = parseSummary(doc(...MINIMAL, ...twice), 'a.txt', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'a.txt',
        line: 6,
        field,
        message: expect.stringContaining('(the first is on line 5)'),
        hint: 'keep one of the two lines',
      }),
    );
  });

  it('splitRoles keeps slashes inside a role', () => {
    expect(splitRoles('VP of Engineering/Data, Director of AI/ML')).toEqual([
      'VP of Engineering/Data',
      'Director of AI/ML',
    ]);
  });
});

describe('the seed example', () => {
  const present = existsSync(SEED_FILE);
  it('is present (required under CI)', () => {
    if (process.env.CI === 'true') expect(present, `seed example missing at ${SEED_FILE}`).toBe(true);
    else if (!present) console.warn(`seed example not found at ${SEED_FILE}; its test below is skipped outside CI`);
  });

  it.skipIf(!present && process.env.CI !== 'true')('parses into the normalised summary', () => {
    const { summary, problems } = parseSummary(
      readFileSync(SEED_FILE, 'utf8'),
      'editorial-summary-example.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('Open Source, After Mythos');
    expect(summary?.roles).toEqual([
      'VP of Engineering/Data',
      'Executive',
      'AI Architect',
      'Director of AI/ML',
      'CTO',
      'Consultant',
    ]);
    expect(summary?.principles).toHaveLength(3);
    expect(summary?.practice).toHaveLength(2);
    expect(summary?.topics).toHaveLength(5);
    expect(summary?.source).toBe('IBM - Announcements (Artificial intelligence)');
    expect(summary?.takeaway.length).toBeGreaterThan(50);
    expect(summary?.insights.length).toBeGreaterThan(20);
    expect(summary?.attribution).toMatch(/^Editorial summary.*Original article published by IBM/);
  });
});

describe('other ways editors write the same thing', () => {
  it('reads bullets under a paragraph section as separate paragraphs', () => {
    const { raw } = parseSummaryText(doc(...MINIMAL, 'Key insights', '- one insight', '- two insight'), 'x.txt');
    expect(raw.insights).toBe('one insight\n\ntwo insight');
  });

  it('splits inline topics on commas', () => {
    const { raw } = parseSummaryText(doc(...MINIMAL, 'Topics: AI, Open source; Governance'), 'x.txt');
    expect(raw.topics).toEqual(['AI', 'Open source', 'Governance']);
  });

  it('recognises dash, dot and plus bullets', () => {
    const { raw } = parseSummaryText(doc(...MINIMAL, 'Principles', '— one', '· two', '+ three', '◦ four'), 'x.txt');
    expect(raw.principles).toEqual(['one', 'two', 'three', 'four']);
  });

  it('does not take a hard-wrapped short line for a heading', () => {
    const { raw, problems } = parseSummaryText(
      doc(
        'T',
        'Summary',
        'Others kept their work in the open.',
        'Meta and IBM',
        'followed suit quickly.',
        'Best for: CTO',
      ),
      'x.txt',
    );
    expect(problems).toEqual([]);
    expect(raw.summary).toBe('Others kept their work in the open. Meta and IBM followed suit quickly.');
  });

  it('keeps a hard-wrapped line that starts like a label or a number in its paragraph', () => {
    const wrapped = [
      ['The incidents looked closely', 'related on the surface, but differed.'],
      ['A sentence citing the', 'original article published by Acme in 2019 as proof.'],
      ['Teams list every data', 'source: the warehouse, the lake and the CRM.'],
      ['Ranking relies on tags and', 'keywords: neither helped here.'],
      ['Start from the', 'article: https://example.com/start'],
      ['The firm was founded in', '1998. Since then it grew.'],
    ];
    for (const [first, second] of wrapped) {
      const { raw, problems } = parseSummaryText(doc('T', 'Summary', first!, second!, 'Best for: CTO'), 'x.txt');
      expect(problems, second).toEqual([]);
      expect(raw.summary, second).toBe(`${first} ${second}`);
      expect(raw.source, second).toBeUndefined();
      expect(raw.url, second).toBeUndefined();
      expect(raw.topics, second).toBeUndefined();
    }
    // After a finished sentence the same lines are labels, as the format has them.
    const labelled = parseSummaryText(
      doc('T', 'Summary', 'Done here.', 'Source: Acme Research', 'Best for: CTO'),
      'x.txt',
    );
    expect(labelled.raw.summary).toBe('Done here.');
    expect(labelled.raw.source).toBe('Acme Research');
  });
});

describe('file encodings', () => {
  it('falls back to Windows-1252 with a warning when a file is not UTF-8', async () => {
    const { decodeText } = await import('../../src/load/summary.js');
    const bytes = Buffer.from([0x93, 0x51, 0x75, 0x6f, 0x74, 0x65, 0x94, 0x20, 0x43, 0x61, 0x66, 0xe9]);
    expect(decodeText(bytes)).toEqual({ text: '\u201cQuote\u201d Café', legacyEncoding: true });
    // "Gruß“" and "Straße" with a no-break space: byte pairs that are also well-formed UTF-8.
    const german = Buffer.from([
      0x84, 0x47, 0x72, 0x75, 0xdf, 0x93, 0x20, 0x96, 0x20, 0x53, 0x74, 0x72, 0x61, 0xdf, 0xa0,
    ]);
    expect(decodeText(german).text).toBe('\u201eGru\u00df\u201c \u2013 Stra\u00df\u00a0');
    expect(decodeText(Buffer.from('Café ✓', 'utf8'))).toEqual({ text: 'Café ✓', legacyEncoding: false });
  });

  it('keeps the UTF-8 of a file with one pasted Windows-1252 character, and drops its byte order mark', async () => {
    const { decodeText } = await import('../../src/load/summary.js');
    // A UTF-8 Markdown file with its BOM, "é" and "”" in UTF-8, and a Windows-1252 en dash (96).
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('---\ntitle: Café \u201dnotes\u201d\nroles: [CTO]\n---\n\n## Summary\n\nFrom 2019 '),
      Buffer.from([0x96]),
      Buffer.from(' 2026.\n'),
    ]);
    const decoded = decodeText(bytes);
    expect(decoded.legacyEncoding).toBe(true);
    const { summary } = parseSummary(decoded.text, 'notes.md', taxonomy);
    expect(summary).toMatchObject({
      title: 'Café \u201dnotes\u201d',
      summary: 'From 2019 \u2013 2026.',
      roles: ['CTO'],
    });
  });

  it('reads UTF-16 with its byte order mark (Notepad\'s "Unicode"), little- and big-endian', async () => {
    const { decodeText } = await import('../../src/load/summary.js');
    const text = 'Title ✓\nSummary\nCafé.\nBest for: CTO\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) expect(decodeText(bytes)).toEqual({ text, legacyEncoding: false });
  });

  it('reads the bytes Windows-1252 leaves undefined as U+FFFD, so a title holding one still loads', async () => {
    // A stray 9D in a file read as Windows-1252 for another stray byte: 9D is undefined there.
    const bytes = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('Title '),
      Buffer.from([0x9d]),
      Buffer.from(' end\nSummary\nx\nBest for: CTO\n'),
    ]);
    const { decodeText } = await import('../../src/load/summary.js');
    const { summary, problems } = parseSummary(decodeText(bytes).text, 'a.txt', taxonomy);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.title).toContain('\ufffd');
  });
});

describe('other section names', () => {
  it.each([
    ['Overview', 'summary'],
    ['Why it matters', 'takeaway'],
    ['Key points', 'insights'],
  ])('reads "%s" as %s', (heading, field) => {
    const { raw, problems } = parseSummaryText(
      doc('T', 'Summary', 'x', heading, 'Text under it.', 'Best for: CTO').replace(
        'Summary\nx\n',
        heading === 'Overview' ? '' : 'Summary\nx\n',
      ),
      'x.txt',
    );
    expect(problems).toEqual([]);
    expect(raw[field]).toBe('Text under it.');
  });

  it('reads list sections under other names and "Audience:" as the roles line', () => {
    const { raw } = parseSummaryText(
      doc('T', 'Summary', 'x', 'Action items', '- act', 'Tags', '- t1', 'Audience: CTO, Executive'),
      'x.txt',
    );
    expect(raw).toMatchObject({ practice: ['act'], topics: ['t1'], roles: ['CTO', 'Executive'] });
  });
});

describe('summaries as editors and export tools write them', () => {
  const parse = (...lines: string[]) => parseSummaryText(doc(...lines), 'x.txt');

  it('reads headings after an emoji, a number, a no-break space or a tab', () => {
    const { raw, problems } = parse(
      '# Queues Are a Promise',
      '1. Summary',
      'Queues hold work.',
      '🔑 Key takeaway',
      'Bound them.',
      '💡 Key\u00a0insights',
      'Backpressure is a feature.',
      '3) Principles',
      '- Measure depth.',
      'In\tpractice',
      '- Alert on age.',
      '4. Topics',
      '- Queues',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(raw).toMatchObject({
      title: 'Queues Are a Promise',
      summary: 'Queues hold work.',
      takeaway: 'Bound them.',
      insights: 'Backpressure is a feature.',
      principles: ['Measure depth.'],
      practice: ['Alert on age.'],
      topics: ['Queues'],
    });
  });

  it('takes each line of a list written without markers as an item, unless it carries on in lower case', () => {
    const { raw } = parse(
      ...MINIMAL,
      'In practice',
      'Measure p99 per endpoint',
      'Keep functions small and',
      'easy to warm',
      'Topics',
      'Serverless',
      'Cloud Costs',
    );
    expect(raw.practice).toEqual(['Measure p99 per endpoint', 'Keep functions small and easy to warm']);
    expect(raw.topics).toEqual(['Serverless', 'Cloud Costs']);
  });

  it('keeps a paragraph after a blank line below a marked list as an item of its own', () => {
    const { raw } = parse(...MINIMAL, 'Principles', '- Blame systems.', '', 'None of this works without trust.');
    expect(raw.principles).toEqual(['Blame systems.', 'None of this works without trust.']);
  });

  it('keeps a wrapped sentence that goes on with "audience:" in its paragraph', () => {
    const { raw, problems } = parse(
      'T',
      'Summary',
      'The keynote was pitched at a broad',
      'audience: directors, counsel and the audit committee.',
      'Best for: CTO',
    );
    expect(raw.summary).toBe(
      'The keynote was pitched at a broad audience: directors, counsel and the audit committee.',
    );
    expect(raw.roles).toEqual(['CTO']);
    expect(problems).toEqual([]);
  });

  it('keeps a line wrapped before a dash in its paragraph', () => {
    const { raw } = parse(
      'T',
      'Summary',
      'Teams track the wrong, not the',
      '– often smaller – set of metrics.',
      'Best for: CTO',
    );
    expect(raw.summary).toBe('Teams track the wrong, not the – often smaller – set of metrics.');
  });

  it('keeps a "Source:" sentence inside a summary, and takes "Source: <URL>" as the link', () => {
    const inside = parse(
      'T',
      'Summary',
      'A survey found a third of the week goes to waiting.',
      "Source: the authors' own survey, run in March across twelve companies.",
      'Key takeaway',
      'Cut the waits.',
      'Best for: CTO',
      'Source: Dev Weekly',
    );
    expect(inside.raw.summary).toBe(
      "A survey found a third of the week goes to waiting. Source: the authors' own survey, run in March across twelve companies.",
    );
    expect(inside.raw.source).toBe('Dev Weekly');
    const url = parse(...MINIMAL, 'Source: https://example.com/finance/shadow-ai');
    expect(url.raw.url).toBe('https://example.com/finance/shadow-ai');
    expect(url.raw.source).toBeUndefined();
  });
});

describe('Markdown bodies', () => {
  const md = (...body: string[]) =>
    parseSummary(doc('---', 'title: A Title', 'roles: [CTO]', '---', ...body), 'x.md', taxonomy);

  it('leave HTML comments out, whole or over several lines, with or without sections', () => {
    const sections = md(
      '## Summary',
      'The guidance narrows the scope. <!-- internal: draft v3 numbers -->',
      '<!-- TODO(anna): verify',
      'the second figure -->',
      'It applies from June.',
    );
    expect(sections.summary?.summary).toBe('The guidance narrows the scope. It applies from June.');
    const plain = md('', '<!-- do not publish -->', 'Only this reaches readers.');
    expect(plain.summary?.summary).toBe('Only this reaches readers.');
    expect(JSON.stringify([sections.summary, plain.summary])).not.toMatch(/internal|TODO|publish|<!--/);
    const unclosed = md('## Summary', 'Shown.', '<!-- never closed', 'hidden');
    expect(unclosed.summary?.summary).toBe('Shown.');
    expect(unclosed.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '7: an HTML comment is not closed: the text after it is left out',
    ]);
  });

  it('read a code fence as text, never its "#" lines as headings', () => {
    const { summary, problems } = md(
      '## Summary',
      'The team pinned its models:',
      '```yaml',
      '# models.yaml',
      'pinned: true',
      '```',
      'After pinning, there were no silent regressions.',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'The team pinned its models: # models.yaml pinned: true After pinning, there were no silent regressions.',
    );
  });

  it('read a line that is only a bold known heading as that heading, and drop link and bold marks', () => {
    const { summary } = md(
      'The **first** paragraph, with a [post](https://example.com/post) and ![chart](c.png) a chart.',
      '',
      '**Key takeaway**',
      'Keep it short.',
      '',
      '__Topics__',
      '- Governance',
    );
    expect(summary?.summary).toBe('The first paragraph, with a post and a chart.');
    expect(summary?.takeaway).toBe('Keep it short.');
    expect(summary?.topics).toEqual(['Governance']);
  });

  it('drop setext underlines, and keep list items of a body without sections apart', () => {
    const setext = parseSummary(
      doc(
        'Strategy Documents Fail',
        '=======================',
        '',
        'Summary',
        '-------',
        'They fail quietly.',
        'Best for: CTO',
      ),
      'x.md',
      taxonomy,
    );
    expect(setext.summary?.title).toBe('Strategy Documents Fail');
    expect(setext.summary?.summary).toBe('They fail quietly.');
    const list = md('The author lists three signals:', '', '- reviews wait weeks', '- teams keep shadow copies');
    expect(list.summary?.summary).toBe(
      'The author lists three signals:\n\nreviews wait weeks\n\nteams keep shadow copies',
    );
  });
});

describe('the lines that end a summary, below its last list', () => {
  const parse = (...lines: string[]) => parseSummaryText(doc(...lines), 'x.txt');

  it('reads an em dash attribution, a "Via" line and a bare address, not as topics', () => {
    const dash = parse(...MINIMAL, 'Topics', '- Pricing', '- APIs', '— Maria Ortega, The Revenue Desk (2026)');
    expect(dash.raw.topics).toEqual(['Pricing', 'APIs']);
    expect(dash.raw.source).toBe('Maria Ortega, The Revenue Desk (2026)');
    const via = parse(
      ...MINIMAL,
      'Topics',
      '- APIs',
      'Via The Revenue Desk',
      'https://example.com/a?utm_source=feed&ref=a(b)',
    );
    expect(via.raw.topics).toEqual(['APIs']);
    expect(via.raw.source).toBe('The Revenue Desk');
    expect(via.raw.url).toBe('https://example.com/a?utm_source=feed&ref=a(b)');
    // A list written with em dashes keeps them as its markers.
    expect(parse(...MINIMAL, 'Topics', '— Pricing', '— APIs').raw.topics).toEqual(['Pricing', 'APIs']);
  });

  it('reads "Date: 27 November 2026" as a date, and warns about one it cannot read', () => {
    const { raw, problems } = parse(...MINIMAL, 'Topics', '- Cost', 'Date: 27 November 2026');
    expect(raw.topics).toEqual(['Cost']);
    expect(raw.date).toBe('2026-11-27');
    expect(problems).toEqual([]);
    const unread = parse(...MINIMAL, 'Topics', '- Cost', 'Date: 31 Smarch 2026');
    expect(unread.raw.topics).toEqual(['Cost']);
    expect(unread.problems.map((p) => p.message)).toEqual(['could not read the date "31 Smarch 2026"']);
    // A sentence that starts with "Date:" stays text.
    expect(parse('T', 'Summary', 'Done.', 'Date: the team picked one.', 'Best for: CTO').raw.summary).toBe(
      'Done. Date: the team picked one.',
    );
  });
});

describe('JSON and front matter written with other words', () => {
  it('splits a role item holding commas, and names the field meant for bestFor, audience, tags and link', () => {
    const json = parseSummary(
      JSON.stringify({
        title: 'T',
        summary: 'S.',
        roles: ['CTO, Executive'],
        audience: 'x',
        tags: ['a'],
        link: 'https://example.com',
      }),
      'x.json',
      taxonomy,
    );
    expect(json.summary?.roles).toEqual(['CTO', 'Executive']);
    expect(json.problems.map((p) => `${p.field}: ${p.hint}`)).toEqual([
      'audience: did you mean "roles"?',
      'tags: did you mean "topics"?',
      'link: did you mean "url"?',
    ]);
  });
});

describe('a frontmatter link: line', () => {
  const md = (...front: string[]) => `---\ntitle: T\nroles: [CTO]\n${front.join('\n')}\n---\nThe body.\n`;

  it("is the article link, as the text format's Link: line is, and problems with it name its line", () => {
    const read = parseSummary(md('source: Example Weekly', 'link: https://example.com/queues'), 'q.md', taxonomy);
    expect(read.problems).toEqual([]);
    expect(read.summary?.url).toBe('https://example.com/queues');
    const cut = parseSummary(md('link: https://example.com/queues.'), 'q.md', taxonomy);
    expect(cut.summary?.url).toBe('https://example.com/queues');
    expect(cut.problems).toEqual([expect.objectContaining({ severity: 'warning', line: 4, field: 'url' })]);
    const bad = parseSummary(md('link: example.com/queues'), 'q.md', taxonomy);
    expect(bad.problems).toEqual([expect.objectContaining({ severity: 'error', line: 4, field: 'url' })]);
  });

  it('beside a url is read once when both give one address, and is an error naming both lines when not', () => {
    const same = parseSummary(
      md('url: https://example.com/queues', 'link: https://example.com/queues/'),
      'q.md',
      taxonomy,
    );
    expect(same.problems).toEqual([]);
    expect(same.summary?.url).toBe('https://example.com/queues');
    const two = parseSummary(
      md('url: https://example.com/queues', 'link: https://example.com/other'),
      'q.md',
      taxonomy,
    );
    expect(two.summary).toBeUndefined();
    expect(two.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'q.md',
        line: 5,
        field: 'url',
        message: 'is given twice: as url (line 4) and as link (line 5)',
      }),
    ]);
  });
});

it('keeps one bulleted topic holding a comma whole, and splits a topics line without a marker', () => {
  const one = parseSummaryText(doc(...MINIMAL, 'Topics', '- Logs, Metrics and Traces'), 'x.txt');
  expect(one.raw.topics).toEqual(['Logs, Metrics and Traces']);
  const line = parseSummaryText(doc(...MINIMAL, 'Topics', 'AI, Security, Cost'), 'x.txt');
  expect(line.raw.topics).toEqual(['AI', 'Security', 'Cost']);
});

it('reads a title that starts like a heading when it is written "Title: …", and says so when it is not', () => {
  const written = parseSummaryText(doc('Title: Summary: What Boards Asked', 'Summary', 'S.', 'Best for: CTO'), 'x.txt');
  expect(written.raw.title).toBe('Summary: What Boards Asked');
  const bare = parseSummaryText(doc('Summary: What Boards Asked', 'Summary', 'S.', 'Best for: CTO'), 'x.txt');
  expect(bare.problems.map((p) => p.hint)).toContainEqual(expect.stringContaining('"Title: …"'));
});

it('keeps a wrapped list item that goes on with "via …" or an address in the item', () => {
  const { raw } = parseSummaryText(
    doc(
      ...MINIMAL,
      'In practice',
      '- Route every call',
      'via the gateway.',
      '- Read the guide at',
      'https://example.com/guide',
      '- Measure.',
    ),
    'x.txt',
  );
  expect(raw.practice).toEqual([
    'Route every call via the gateway.',
    'Read the guide at https://example.com/guide',
    'Measure.',
  ]);
  expect(raw.url).toBeUndefined();
  expect(raw.source).toBeUndefined();
});

describe('ordinary lists and labels the heading and closing-line rules must leave alone', () => {
  const parse = (...lines: string[]) => parseSummaryText(doc(...lines), 'x.txt');

  it('keeps numbered items that start with a section name as items', () => {
    const { raw, problems } = parse(
      ...MINIMAL,
      'In practice',
      '1. Review models',
      '2. Summary: write one up for the board',
      '3. Practice',
      '4. Ship it',
    );
    expect(raw.practice).toEqual(['Review models', 'Summary: write one up for the board', 'Practice', 'Ship it']);
    expect(raw.summary).toBe('Some summary text.');
    expect(problems).toEqual([]);
  });

  it('reads "-Second item" in a list of "- " items as an item of its own, with a warning', () => {
    const { raw, problems } = parse(
      ...MINIMAL,
      'Principles',
      '- First principle.',
      '-Second principle, cramped.',
      '- Third one wraps',
      '-10% of the budget, as written.',
      'Topics',
      '• Alpha',
      '•"Quoted" topic',
      'In practice',
      '* Try it',
      '*Really* wraps onto the line',
    );
    expect(raw.principles).toEqual([
      'First principle.',
      'Second principle, cramped.',
      'Third one wraps -10% of the budget, as written.',
    ]);
    expect(raw.topics).toEqual(['Alpha', '"Quoted" topic']);
    // Emphasis at a line's start in a "*" list goes on with the item above.
    expect(raw.practice).toEqual(['Try it *Really* wraps onto the line']);
    expect(problems.map((p) => [p.line, p.severity, p.field])).toEqual([
      [7, 'warning', 'principles'],
      [12, 'warning', 'topics'],
    ]);
    expect(problems[0]!.message).toContain('no space after its list marker');
  });

  it('keeps an address that goes on the last item in the item, before Best for', () => {
    const { raw } = parseSummaryText(
      doc('T', 'Summary', 'S.', 'In practice', '- Read the guide at', '  https://example.com/guide', 'Best for: CTO'),
      'x.txt',
    );
    expect(raw.practice).toEqual(['Read the guide at https://example.com/guide']);
    expect(raw.url).toBeUndefined();
  });

  it('keeps "Source: <URL>" as the source when a Link line names the article', () => {
    const { raw, problems } = parse(
      ...MINIMAL,
      'Source: https://publisher.example',
      'Link: https://publisher.example/a',
    );
    expect(problems).toEqual([]);
    expect(raw.url).toBe('https://publisher.example/a');
    expect(raw.source).toBe('https://publisher.example');
  });

  it('joins hard-wrapped prose and a comma-wrapped topics line in lists without markers', () => {
    const wrapped = 'Teams with regulated data should plan to move their workloads to';
    const { raw } = parse(
      ...MINIMAL,
      'In practice',
      wrapped,
      'AWS and Azure before the deadline.',
      'Topics',
      'AI, Security,',
      'Cost',
    );
    expect(raw.practice).toEqual([`${wrapped} AWS and Azure before the deadline.`]);
    expect(raw.topics).toEqual(['AI', 'Security', 'Cost']);
  });

  it('keeps "Date: 3 teams met" and a short lower-case "Source:" as they were', () => {
    const date = parse('T', 'Summary', 'Done.', 'Date: 3 teams met', 'Best for: CTO');
    expect(date.raw.summary).toBe('Done. Date: 3 teams met');
    expect(date.problems).toEqual([]);
    const source = parse('T', 'Summary', 'Done.', 'Source: the IBM newsroom', 'Best for: CTO');
    expect(source.raw.source).toBe('the IBM newsroom');
  });
});

it('Markdown: a fenced "# Summary" names no summary, and "<!--" in a fence is code, not a comment', () => {
  const { summary } = parseSummary(
    doc(
      '---',
      'title: T',
      'roles: [CTO]',
      '---',
      'The intro.',
      '',
      '```',
      '# Summary',
      '<!-- kept -->',
      '```',
      '',
      '**Why it matters**',
      'Because.',
    ),
    'x.md',
    taxonomy,
  );
  expect(summary?.summary).toBe('The intro.\n\n# Summary <!-- kept -->');
  expect(summary?.takeaway).toBe('Because.');
});

it('reads roles joined with "and" as each, and keeps an abbreviation\'s dot in a source', () => {
  const { summary, problems } = parseSummary(
    doc('T', 'Summary', 'S.', 'Best for: CTO and Consultant'),
    'x.txt',
    taxonomy,
  );
  expect(summary?.roles).toEqual(['CTO', 'Consultant']);
  expect(problems.map((p) => p.hint)).toContainEqual('separate roles with commas: write "CTO, Consultant"');
  const source = parseSummaryText(doc(...MINIMAL, 'Original article published by Policy Quarterly Inc..'), 'x.txt');
  expect(source.raw.source).toBe('Policy Quarterly Inc.');
  const plain = parseSummaryText(doc(...MINIMAL, 'Original article published by IBM - Announcements.'), 'x.txt');
  expect(plain.raw.source).toBe('IBM - Announcements');
});

it('keeps "Topics: …" written as a sentence inside a summary in the summary', () => {
  const { raw } = parseSummaryText(
    doc('T', 'Summary', 'A survey of teams.', 'Topics: the author covers eval sets, logs and costs.', 'Best for: CTO'),
    'x.txt',
  );
  expect(raw.summary).toBe('A survey of teams. Topics: the author covers eval sets, logs and costs.');
  expect(raw.topics).toBeUndefined();
});

describe('a "Best for:" line ending in a stray comma', () => {
  it.each([
    ['Related on Rolecast', {}],
    ['https://example.com/queues', { url: 'https://example.com/queues' }],
    ['Via Example Weekly', { source: 'Example Weekly' }],
    ['— Jane Doe, Example Weekly', { source: 'Jane Doe, Example Weekly' }],
  ])('does not take the next line %j for a role', (line, expected) => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', 'Queues hold work.', 'Best for: CTO, Executive,', line),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ roles: ['CTO', 'Executive'], ...expected });
  });
});

describe('a "Link:" line written as mail clients and Markdown write links', () => {
  it.each([
    '<https://example.com/queues>',
    '[the article](https://example.com/queues)',
    '[Read](<https://example.com/queues>)',
  ])('takes the address of %j', (written) => {
    const { summary, problems } = parseSummary(doc(...MINIMAL, `Link: ${written}`), 'x.txt', taxonomy);
    expect(problems).toEqual([]);
    expect(summary?.url).toBe('https://example.com/queues');
  });

  it('still refuses a scheme other than http(s) or mailto inside the brackets', () => {
    for (const written of ['<javascript:alert(1)>', '[x](javascript:alert(1))', '[x](data:text/html,x)']) {
      const { summary, problems } = parseSummary(doc(...MINIMAL, `Link: ${written}`), 'x.txt', taxonomy);
      expect(summary).toBeUndefined();
      expect(problems.map((p) => p.field)).toEqual(['url']);
    }
  });
});

describe('labels and lists typed with a Chinese or Japanese input method', () => {
  it('read a full-width colon as a colon and the full-width and ideographic commas as commas', () => {
    const { summary, problems } = parseSummary(
      doc(
        'キューは約束である',
        'Summary：',
        'キューは仕事を預かる。',
        'Topics：信頼性、運用',
        'Best for：CTO、Executive，AI Architect',
      ),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      summary: 'キューは仕事を預かる。',
      topics: ['信頼性', '運用'],
      roles: ['CTO', 'Executive', 'AI Architect'],
    });
  });

  it('keeps a full-width colon inside a sentence as written', () => {
    const { summary } = parseSummary(
      doc('T', 'Summary', '結論：キューを制限する。', 'Best for: CTO'),
      'x.txt',
      taxonomy,
    );
    expect(summary?.summary).toBe('結論：キューを制限する。');
  });
});

describe('a "Link:" line whose address holds a space', () => {
  it('is an error on its line, not text run into the section above', () => {
    for (const above of [['Topics', '- Queues'], []]) {
      const { summary, problems } = parseSummary(
        doc('Title', 'Summary', 'Queues hold work.', ...above, 'Link: https://example.com/my article', 'Best for: CTO'),
        'x.txt',
        taxonomy,
      );
      expect(summary).toBeUndefined();
      expect(problems.map((p) => [p.line, p.field, p.severity, p.message])).toEqual([
        [4 + above.length, 'url', 'error', 'holds a space: "https://example.com/my article"'],
      ]);
    }
  });
});

describe('prose near the bold, closing-line, dash, parentheses and CJK reading rules reads as it always did', () => {
  // Summaries these rules could misread, each read as it was before the rules existed. The z cases
  // are the closing lines below "Best for:" that give the source, as they should.
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    [
      'a1.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\n— as the saying goes, less is more\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L5 text: text outside any section is ignored'],
    ],
    [
      'a2.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nVia Slack, teams report faster fixes.\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L5 text: text outside any section is ignored'],
    ],
    [
      'a3.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nOriginally published on March 3, 2025\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'a4.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nFirst published in 1998\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'a5.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nEditorial summary by Rolecast. Original article published by Example Blog.\nOriginally published by Other Weekly.\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: 'Example Blog',
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L6 text: text outside any section is ignored'],
    ],
    [
      'a6.txt',
      'Queues\nVia Partners\nSummary\nQueues hold work.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L2 text: text outside any section is ignored'],
    ],
    [
      'a7.txt',
      'Queues\n— Jane Doe, Example Weekly\nSummary\nQueues hold work.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L2 text: text outside any section is ignored'],
    ],
    [
      'a8.txt',
      'Queues\nSummary\nQueues hold work.\nSource: Example Blog\nBest for: CTO\nVia Other Weekly\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: 'Example Blog',
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L6 source: "Via Other Weekly" is not read as the source: another line names it'],
    ],
    [
      'a9.txt',
      'Queues\nSummary\nQueues hold work.\nOriginal article: https://example.com/a\nBest for: CTO\nLink: https://example.com/b\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. Original article: https://example.com/a',
        roles: ['CTO'],
        url: 'https://example.com/b',
        source: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'b1.txt',
      'Queues\nSummary\nQueues hold work.\n**Important**\nBound them always.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. **Important** Bound them always.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'b2.txt',
      'Queues\nSummary\nQueues hold work.\n**Roles**: matter more than titles, she says.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. **Roles**: matter more than titles, she says.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'b3.txt',
      'Queues\nSummary\nQueues hold work.\n**Audience:** engineers who run queues read it first.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. **Audience:** engineers who run queues read it first.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'b4.txt',
      'Queues\nSummary\nQueues hold work.\nKey takeaway\nBound them.\n**Insights**\nDepth matters.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        takeaway: 'Bound them. **Insights** Depth matters.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
      },
      [],
    ],
    [
      'b5.txt',
      'Queues\nSummary\nQueues hold work.\n**Date:** 2025-01-01\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. **Date:** 2025-01-01',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'c1.txt',
      'Queues\nSummary\nQueues hold work.\nRoles：团队中的角色比头衔更重要，她说。\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. Roles：团队中的角色比头衔更重要，她说。',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'c2.txt',
      'Queues\nSummary\n作者认为队列隐藏了负载。\nSource: 内部调查\nBest for: CTO\nEditorial summary by Rolecast. Original article published by Example Blog.\n',
      {
        title: 'Queues',
        summary: '作者认为队列隐藏了负载。 Source: 内部调查',
        roles: ['CTO'],
        source: 'Example Blog',
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'd1.txt',
      'Summary — Q3 Earnings Call\nSummary\nQueues hold work.\nBest for: CTO\n',
      {
        title: 'Summary — Q3 Earnings Call',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'd2.txt',
      'Insights – The Year in AI\nSummary\nQueues hold work.\nBest for: CTO\n',
      {
        title: 'Insights – The Year in AI',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'd3.txt',
      'Queues\nSummary\nQueues hold work.\nInsights — Not raw data — drive good decisions, she adds.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. Insights — Not raw data — drive good decisions, she adds.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'd4.txt',
      'Queues\nSummary\nQueues hold work.\nTopics — AI, cloud and cost — dominate the agenda.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work. Topics — AI, cloud and cost — dominate the agenda.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'j1.json',
      '{"title":"Queues","summary":"Queues hold work.","roles":["CTO、Executive"]}\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO、Executive'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L1 roles: unknown role "CTO、Executive"'],
    ],
    [
      'j2.json',
      '{"title":"Queues","summary":"Queues hold work.","roles":["CTO、Executive","AI Architect, CTO"]}\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO、Executive', 'AI Architect', 'CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      ['warning L1 roles: unknown role "CTO、Executive"'],
    ],
    [
      'm1.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\n`Roles: admin` is the default.\n',
      {
        title: 'Queues',
        // A code span is text, never a label; readers see its content without the backticks.
        summary: 'Roles: admin is the default.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm2.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nWrite `## Summary` as the heading.\n',
      {
        title: 'Queues',
        summary: 'Write ## Summary as the heading.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm3.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nIndex it as m[i][j] in the loop.\n',
      {
        title: 'Queues',
        summary: 'Index it as m[i][j] in the loop.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm4.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nSee https://example.com/pkg/_internal_/mod.py and a*b*c.\n',
      {
        title: 'Queues',
        summary: 'See https://example.com/pkg/_internal_/mod.py and a*b*c.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm5.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nIt holds 5*3*2 items and a*b + c*d more.\n',
      {
        title: 'Queues',
        summary: 'It holds 5*3*2 items and a*b + c*d more.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm6.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nQueues hold work.\n\n> Source: a reader\n> Best for: everyone\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.\n\nSource: a reader Best for: everyone',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm7.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nQueues hold work.\n\n[Update]: Revised.\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.\n\n[Update]: Revised.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'm8.md',
      '---\ntitle: Queues\nroles: [CTO]\n---\nQueues hold work.\n\nLink: https://example.com/pkg/_internal_/mod.py\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: null,
        url: 'https://example.com/pkg/_internal_/mod.py',
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'p1.txt',
      'Queues\nSummary\nQueues hold work.\n\nControl (placebo)\nPatients got nothing.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.\n\nControl (placebo) Patients got nothing.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'p2.txt',
      'Queues\nSummary\nQueues hold work.\n\nNote (for managers)\nBudget for it.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.\n\nNote (for managers) Budget for it.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'p3.txt',
      'Queues\nSummary\nQueues hold work.\n\nSee Appendix (below)\nIt lists them.\nBest for: CTO\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.\n\nSee Appendix (below) It lists them.',
        roles: ['CTO'],
        source: null,
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'p4.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nJane Doe (Acme)\nhttps://example.com/q\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        url: 'https://example.com/q',
        source: null,
        date: null,
        takeaway: null,
      },
      ['warning L5 text: text outside any section is ignored'],
    ],
    [
      'p5.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nTL;DR\nhttps://example.com/q\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        url: 'https://example.com/q',
        source: null,
        date: null,
        takeaway: null,
      },
      ['warning L5 text: text outside any section is ignored'],
    ],
    [
      'z1.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nOriginally published by Example Weekly.\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: 'Example Weekly',
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'z2.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nRelated on Rolecast\n— Jane Doe, Example Weekly, 2026\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: 'Jane Doe, Example Weekly, 2026',
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
    [
      'z3.txt',
      'Queues\nSummary\nQueues hold work.\nBest for: CTO\nVia Example Weekly\n',
      {
        title: 'Queues',
        summary: 'Queues hold work.',
        roles: ['CTO'],
        source: 'Example Weekly',
        url: null,
        date: null,
        takeaway: null,
      },
      [],
    ],
  ];
  it.each(cases)('%s', (file, text, expected, problems) => {
    const result = parseSummary(text, file, taxonomy);
    expect(result.problems.map((p) => `${p.severity} L${p.line} ${p.field}: ${p.message}`)).toEqual(problems);
    const summary = result.summary as Record<string, unknown> | undefined;
    for (const [field, value] of Object.entries(expected)) expect(summary?.[field] || null).toEqual(value);
  });
});
describe('a heading with its text after a dash on the same line', () => {
  it.each([
    'Key takeaway — Bound them.',
    'Key takeaway – Bound them.',
    'Key takeaway - Bound them.',
    'Key takeaway—Bound them.',
  ])('reads %j as the takeaway, not as more of the summary', (line) => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', 'Queues hold work.', line, 'Best for: CTO'),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ summary: 'Queues hold work.', takeaway: 'Bound them.' });
  });

  it('keeps a hyphenated word and a sentence that goes on after a dash as text', () => {
    const { summary } = parseSummary(
      doc(
        'Title',
        'Summary',
        'Queues hold work.',
        'Summary-level numbers hide the tail.',
        'In practice – it depends.',
        'Best for: CTO',
      ),
      'x.txt',
      taxonomy,
    );
    expect(summary?.summary).toBe('Queues hold work. Summary-level numbers hide the tail. In practice – it depends.');
    expect(summary?.practice).toEqual([]);
  });
});

describe('a heading with its text after a dash, where it could be prose', () => {
  it.each([
    // A section the file heads on a line of its own is that one.
    ['Key takeaway — Small teams benefit most.', ['Key takeaway', 'Bound them.']],
    // Only a section's own name, not an alias.
    ['Takeaway — Small teams benefit most.', []],
    // The text holds a dash of its own: a sentence.
    ['Key takeaway — Bound them — and watch them.', []],
  ])('keeps %j in the summary', (line, after) => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', 'Queues hold work.', line, ...after, 'Best for: CTO'),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(`Queues hold work. ${line}`);
  });
});

describe('a dash heading as the first line of a Markdown body', () => {
  it('stays the summary text, as it was', () => {
    const { summary, problems } = parseSummary(
      '---\ntitle: Queues\nroles: [CTO]\n---\nSummary — Q3 Earnings Call\n',
      'q.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Summary — Q3 Earnings Call');
  });
});

describe('a heading with a note in parentheses', () => {
  const parse = (...lines: string[]) =>
    parseSummary(doc('Title', 'Summary', 'Queues hold work.', '', ...lines, 'Best for: CTO'), 'x.txt', taxonomy);

  it('reads a section name with "(s)" or a note as that section', () => {
    const plural = parse('Key takeaway(s)', 'Bound them.');
    expect(plural.problems).toEqual([]);
    expect(plural.summary).toMatchObject({ summary: 'Queues hold work.', takeaway: 'Bound them.' });
    const noted = parse('Key insights (optional)', 'Depth matters.');
    expect(noted.problems).toEqual([]);
    expect(noted.summary).toMatchObject({ summary: 'Queues hold work.', insights: 'Depth matters.' });
  });

  it.each([
    ['Summary (short)', 'Bound them.'],
    ['Key takeaway (below)', 'Bound them.', 'Key takeaway', 'Really.'],
    ['TL;DR', 'Bound them.'],
    ['Control (placebo)', 'Patients got nothing.'],
  ])('keeps %j as text when it is not a section it may open', (...lines) => {
    const { summary, problems } = parse(...lines);
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(`Queues hold work.\n\n${lines[0]} ${lines[1]}`);
  });
});

describe('headings and labels written in bold, as chat tools and rich-text exports write them', () => {
  it('reads "**Summary**", "**Key takeaway:**", "**Topics**:" and "**Best for:** …" as what they name', () => {
    const { summary, problems } = parseSummary(
      doc(
        'Queues Are a Promise',
        '',
        '**Summary**',
        'Queues hold work.',
        '',
        '**Key takeaway:**',
        'Bound them.',
        '',
        '**Topics**:',
        '- Queues',
        '',
        '**Best for:** CTO, Executive',
        '**Source:** Example Weekly',
      ),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      title: 'Queues Are a Promise',
      summary: 'Queues hold work.',
      takeaway: 'Bound them.',
      topics: ['Queues'],
      roles: ['CTO', 'Executive'],
      source: 'Example Weekly',
    });
  });

  it.each<[string[], string, string[]?]>([
    // Not a section's own name, or a section the file heads elsewhere.
    [['**Important**', 'Bound them always.'], 'Queues hold work. **Important** Bound them always.'],
    [['**Insights**', 'Depth matters.'], 'Queues hold work. **Insights** Depth matters.'],
    // A label whose text is a sentence, or one that is not a summary's own.
    [
      ['**Roles**: matter more than titles, she says.'],
      'Queues hold work. **Roles**: matter more than titles, she says.',
    ],
    [['**Date:** 2025-01-01'], 'Queues hold work. **Date:** 2025-01-01'],
    [
      ['It is **not** a backlog.', '**Note:** queues hold work.'],
      'Queues hold work. It is **not** a backlog. **Note:** queues hold work.',
    ],
    // The file's other source line names the source: the quoted one stays text.
    [
      ['**Source:** Gartner 2025 survey'],
      'Queues hold work. **Source:** Gartner 2025 survey',
      ['Source: Example Weekly'],
    ],
  ])('keeps %j as written', (lines, expected, after = []) => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', 'Queues hold work.', ...lines, 'Best for: CTO', ...after),
      'x.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(expected);
  });
});

describe('prose that only looks like the newer reading rules reads as before', () => {
  const closing = 'Editorial summary by Rolecast. Original article published by Example Weekly.';

  it.each([
    'Read more: https://example.com/report in the March issue.',
    'Article: https://example.com/survey shows the survey form.',
    'URL: https://example.com/data (mirror)',
    'Original: https://example.com/post and a follow-up post.',
  ])('keeps %j, an address with words after it, in its section', (line) => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', 'Queues hold work.', line, '', 'Best for: CTO', '', closing),
      'x.txt',
      taxonomy,
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.summary).toBe(`Queues hold work. ${line}`);
  });

  it('keeps a CJK "Source：" line after a sentence in its paragraph, beside the closing line', () => {
    const { summary, problems } = parseSummary(
      doc('Title', 'Summary', '作者调查了400位工程负责人。', 'Source：内部调查', '', 'Best for: CTO', '', closing),
      'x.txt',
      taxonomy,
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.summary).toBe('作者调查了400位工程负责人。 Source：内部调查');
  });

  it('keeps "In practice — Most teams…" in the middle of a paragraph as its sentence', () => {
    const { summary } = parseSummary(
      doc(
        'Title',
        'Summary',
        'Queues hold work.',
        'In practice — Most teams start with a single service.',
        'Best for: CTO',
      ),
      'x.txt',
      taxonomy,
    );
    expect(summary?.summary).toBe('Queues hold work. In practice — Most teams start with a single service.');
    expect(summary?.practice).toEqual([]);
  });

  it('keeps a section name with a note in parentheses as prose when a sentence goes on below it', () => {
    const { summary } = parseSummary(
      doc(
        'Title',
        'Summary',
        'Queues hold work.',
        '',
        'In practice (as opposed to theory)',
        'the budgets slip.',
        'Best for: CTO',
      ),
      'x.txt',
      taxonomy,
    );
    expect(summary?.practice).toEqual([]);
    expect(summary?.summary).toContain('In practice (as opposed to theory) the budgets slip.');
  });

  it('keeps a bold "**Source:**" quoted in a section as text when a closing "Via" line names the source', () => {
    const { summary } = parseSummary(
      doc(
        'Title',
        'Summary',
        'Queues hold work.',
        '**Source:** 2025 reliability survey',
        '',
        'Best for: CTO',
        '',
        'Via Example Weekly',
      ),
      'x.txt',
      taxonomy,
    );
    expect(summary?.source).toBe('Example Weekly');
    expect(summary?.summary).toBe('Queues hold work. **Source:** 2025 reliability survey');
  });

  it('takes no source from "— Editorial Team, …", and leaves a note in brackets out of one', () => {
    const read = (line: string) =>
      parseSummary(doc('Title', 'Summary', 'Queues hold work.', '', 'Best for: CTO', '', line), 'x.txt', taxonomy)
        .summary;
    expect(read('— Editorial Team, Rolecast')?.source).toBeUndefined();
    expect(read('— Example Weekly (paywalled)')?.source).toBe('Example Weekly');
  });

  it('reads "Originally published by X on <date>" as X, not X and the date', () => {
    for (const tail of [' on March 3, 2025.', ' in 2019.']) {
      const { summary } = parseSummary(
        doc(
          'Title',
          'Summary',
          'Queues hold work.',
          '',
          'Best for: CTO',
          '',
          `Originally published by Example Weekly${tail}`,
        ),
        'x.txt',
        taxonomy,
      );
      expect(summary?.source).toBe('Example Weekly');
    }
  });
});
