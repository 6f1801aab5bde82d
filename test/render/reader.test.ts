import { describe, expect, it } from 'vitest';
import { runQualityGates } from '../../src/cli/quality.js';
import { buildVariant, effectiveRoleOrder, planSingleRoleVariants } from '../../src/group/index.js';
import { greetingName, readingMinutes, wordCount } from '../../src/render/_text.js';
import { createRenderer, type PersonalFields, type RendererOptions } from '../../src/render/index.js';
import { absentMentions, variantSummaries } from '../../src/render/mentions.js';
import { exampleAudience } from './_example.js';
import { fixtureProject, type SummaryInput } from './_fixtures.js';

/** What a reader of the digest sees: names, contents, leads, cards, footer. */

const reader = (overrides: Partial<PersonalFields> = {}): PersonalFields => ({
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
  ...overrides,
});

async function compileFor(project = fixtureProject(), roles?: string[], options: RendererOptions = {}) {
  const { summaries, manifest } = project.issue;
  const order = effectiveRoleOrder(summaries, manifest.roleOrder);
  const variant = buildVariant(summaries, order, roles);
  return (await createRenderer(project, options)).compile(variant);
}

const long = (id: string, roles: string[], extra: Partial<SummaryInput> = {}): SummaryInput => ({
  id,
  roles,
  title: `The story of ${id}`,
  summary: `${'First sentence of the summary runs on for a while with detail. '.repeat(3)}${'More detail follows here. '.repeat(20)}`,
  takeaway: `Takeaway ${id}`,
  url: `https://news.example/${id}`,
  principles: ['Principle one.', 'Principle two.'],
  topics: ['Costs', 'Gateways'],
  source: 'Example News',
  ...extra,
});

describe('greeting', () => {
  it.each([
    [{ name: 'Priya Raman' }, 'Priya'],
    [{ name: 'Baker, Tom' }, 'Tom'],
    [{ name: 'Dr. Ada Lovelace' }, 'Ada'],
    [{ name: 'Priya Raman', firstName: 'Pri' }, 'Pri'],
    [{ name: '  ' }, undefined],
    [{}, undefined],
  ])('%j is greeted as %s', (who, expected) => {
    expect(greetingName(who)).toBe(expected);
  });

  it('greets by first name, and uses the configured fallback without a name', async () => {
    const compiled = await compileFor(fixtureProject({ config: { greetingFallback: 'reader' } }));
    expect(compiled.personalise(reader({ name: 'Baker, Tom' })).html).toContain('Hi Tom,');
    expect(compiled.personalise(reader({ name: 'Baker, Tom' })).html).not.toContain('Baker');
    expect(compiled.personalise(reader({ name: undefined })).text).toContain('Hi reader,');
  });
});

describe('contents, cards and sections', () => {
  const project = () =>
    fixtureProject({
      summaries: [
        long('one', ['CTO', 'Executive'], { practice: ['a', 'b', 'c', 'd'] }),
        long('two', ['Executive'], { url: undefined }),
      ],
    });

  it('lists the reader’s own headlines at the top, linked to their cards, with a count and reading time', async () => {
    const { html, text } = (await compileFor(project(), ['CTO', 'Executive'])).personalise(reader());
    const contents = html.slice(html.indexOf('In this issue'), html.indexOf('rc-section'));
    expect(contents).toMatch(/2 reads · about \d+ mins?/);
    for (const id of ['one', 'two']) {
      expect(contents).toContain(`href="#rc-${id}"`);
      expect(html).toContain(`id="rc-${id}"`);
    }
    expect(html.indexOf('In this issue')).toBeLessThan(html.indexOf('<h3'));
    expect(text).toMatch(/== In this issue ==\n2 reads · about \d+ mins?\nFor CTO\n {2}\* The story of one/);
  });

  it('compact cards: title link, teaser, short summary cut at a sentence, takeaway, at most 3 tips', async () => {
    const { html } = (await compileFor(project(), ['CTO'])).personalise(reader());
    expect(html).toMatch(/<h2[^>]*><a href="https:\/\/news\.example\/one"[^>]*>The story of one<\/a><\/h2>/);
    // About 60 words, cut after a whole sentence: the first three long sentences and a few short ones.
    expect(html.match(/More detail follows here\./g)?.length).toBeLessThan(8);
    expect(html).toMatch(/More detail follows here\.\u00a0…<\/p>/);
    expect(html).toContain('First sentence of the summary runs on for a while with detail.');
    expect(html).toContain('Takeaway one');
    expect(html).not.toContain('Principle one.');
    expect(html.match(/<li dir="auto">[abcd]<\/li>/g)).toEqual([
      '<li dir="auto">a</li>',
      '<li dir="auto">b</li>',
      '<li dir="auto">c</li>',
    ]);
    expect(html).toContain('aria-label="Read the article: The story of one"');
    expect(html).toMatch(/Source: <a href="https:\/\/news\.example\/one"[^>]*>Example News \(news\.example\)<\/a>/);
    expect(html).toMatch(/\d+ min read/);
  });

  it('compact cards keep a summary’s paragraphs apart, and stop at about 60 words', async () => {
    const project = fixtureProject({
      summaries: [
        long('one', ['CTO'], {
          summary: `Context without a full stop\n\nThe team moved its queue in one weekend. ${'It worked well. '.repeat(30)}`,
        }),
      ],
    });
    const { html, text } = (await compileFor(project, ['CTO'])).personalise(reader());
    expect(html).toContain('<p dir="auto" style="margin:0 0 12px">Context without a full stop</p>');
    expect(html).toMatch(
      /<p dir="auto" style="margin:0 0 12px">The team moved its queue in one weekend\. It worked well\./,
    );
    expect(html).not.toContain('full stop The team');
    expect(text).not.toContain('full stop The team');
    expect(html.match(/It worked well\./g)!.length).toBeLessThan(30);
  });

  it('compact cards show more than a short lead-in when the next paragraph’s first sentence is long', async () => {
    const sentence = `The migration took ${'one more careful step and '.repeat(20)}a final check.`;
    const project = fixtureProject({
      summaries: [long('one', ['CTO'], { summary: `What changed:\n\n${sentence} Then it shipped.` })],
    });
    const { html, text } = (await compileFor(project, ['CTO'])).personalise(reader());
    expect(html).toContain('<p dir="auto" style="margin:0 0 12px">What changed:</p>');
    expect(html).toMatch(/<p dir="auto" style="margin:0 0 12px">The migration took one more careful step[^<]*…<\/p>/);
    const shown = /The migration took[^\n]*(?:\n[^\n]+)*/.exec(text)![0].split(/\s+/).length;
    expect(shown).toBeLessThanOrEqual(60);
    expect(text).not.toContain('Then it shipped');
  });

  it('compact cards that cut a summary end it in "…" and link its page in the archive when they link the article', async () => {
    const { html, text } = (await compileFor(project(), ['CTO', 'Executive'])).personalise(reader());
    const archive = (id: string) => `https://test.example/archive/2026-W48/${id}/`;
    // "one" links the article: the rest of its summary is on its archive page, said in both parts.
    expect(html).toContain(
      `<a href="${archive('one')}" class="rc-link rc-more rc-tap" aria-label="Read the full summary: The story of one"`,
    );
    expect(html).toMatch(/>Read the full summary<\/a><\/p>/);
    expect(text).toMatch(
      /More detail follows here\.\u00a0…\n\nRead the full summary:\s+https:\/\/test\.example\/archive\/2026-W48\/one\/\n/,
    );
    // "two" links its archive page already: "…" and its one button are enough.
    expect(html.match(new RegExp(`href="${archive('two')}"`, 'g'))).toHaveLength(3);
    expect(text.match(/Read the full summary:/g)).toHaveLength(2);
  });

  it('compact cards that show a whole summary say nothing more', async () => {
    const short = fixtureProject({ summaries: [long('one', ['CTO'], { summary: 'Short.\n\nStill short.' })] });
    const { html, text } = (await compileFor(short, ['CTO'])).personalise(reader());
    expect(html).toContain('<p dir="auto" style="margin:0 0 12px">Still short.</p>');
    expect(html + text).not.toContain('…');
    expect(html + text).not.toContain('Read the full summary');
  });

  it('full cards (the editor edition, or cards.style "full") show everything', async () => {
    const editor = (await compileFor(project())).personalise(reader());
    const full = (await compileFor(project(), ['CTO'], { cardStyle: 'full' })).personalise(reader());
    for (const { html } of [editor, full]) {
      expect(html).toContain('More detail follows here');
      expect(html).toContain('<li dir="auto">Principle one.</li>');
      expect(html).toContain('<li dir="auto">d</li>');
      expect(html).not.toContain('…');
      expect(html).not.toContain('aria-label="Read the full summary: The story of one"');
    }
  });

  it('links every card: a summary without an article URL links to its archive page', async () => {
    const { html, text } = (await compileFor(project(), ['Executive'])).personalise(reader());
    const archive = 'https://test.example/archive/2026-W48/two/';
    expect(html).toMatch(new RegExp(`<h2[^>]*><a href="${archive.replace(/[./]/g, '\\$&')}"`));
    expect(html).toContain('aria-label="Read the full summary: The story of two"');
    expect(text).toMatch(/Read the full summary:\s+https:\/\/test\.example\/archive\/2026-W48\/two\/\n/);
  });

  it('bands each section with its role and count, and marks the reader’s roles among Best for', async () => {
    const { html } = (await compileFor(project(), ['Executive'])).personalise(reader());
    // A reader of one section has no band: the lead names the role, the contents count the reads.
    const both = (await compileFor(project(), ['CTO', 'Executive'])).personalise(reader()).html;
    expect(both).toMatch(/<td bgcolor="#[0-9a-f]{6}" class="rc-band"[^>]*><h2[^>]*>For Executive · 1 read<\/h2>/);
    // The story under the band "For CTO" marks the reader's other role; a reader of one section is
    // told their role by the lead, so nothing is marked.
    expect(both).toContain('Best for: CTO, <strong class="rc-mine"');
    expect(html).toContain('Best for: CTO, Executive<');
    expect(html).not.toContain('rc-mine"');
    expect(html).toContain('Topics: Costs · Gateways');
    expect(html).not.toContain('rc-topic');
  });
});

describe('a card whose link writes an email', () => {
  const project = () =>
    fixtureProject({ summaries: [long('one', ['CTO'], { url: 'mailto:editor@news.example?subject=Queues' })] });

  it('says so, in its button, contents link and text part, where it said "Read the article"', async () => {
    const { html, text } = (await compileFor(project(), ['CTO'])).personalise(reader());
    expect(html).not.toContain('Read the article');
    expect(text).not.toContain('Read the article');
    expect(html).toContain('>Send an email →</a>');
    expect(html.match(/aria-label="Send an email about “The story of one”"/g)).toHaveLength(2);
    expect(text).toContain('Send an email: mailto:editor@news.example?subject=Queues');
  });

  it('says so in every language of the catalogue', async () => {
    const german = (await compileFor(project(), ['CTO'], { languages: ['de'] })).personalise(reader({ locale: 'de' }));
    expect(german.html).toContain('>E-Mail schreiben →</a>');
    expect(german.html).toContain('aria-label="E-Mail schreiben zu „The story of one“"');
    expect(german.html).not.toContain('Artikel lesen');
  });
});

describe('the text part', () => {
  it('keeps a card title’s heading marker on the line of a first word too long for one', async () => {
    const word = 'Hyperconvergedinfrastructuremigrationplaybookforplatformteams'.repeat(2);
    const project = fixtureProject({ summaries: [long('one', ['CTO'], { title: `${word} in practice` })] });
    const { text } = (await compileFor(project, ['CTO'])).personalise(reader());
    expect(text).toContain(`\n## ${word}\nin practice\n`);
    expect(text).not.toMatch(/^##$/m);
  });
});

describe('reading time', () => {
  it('reads Chinese and Japanese at about 500 characters a minute, and spaced scripts by their words', () => {
    const japanese = 'データの品質は評価の前提である。'.repeat(200);
    expect(japanese.length).toBe(3_200);
    expect(readingMinutes(wordCount(japanese))).toBe(6);
    expect(readingMinutes(wordCount(`${'word '.repeat(690)}`))).toBe(3);
    expect(wordCount('Gateway の設計 (CTO)')).toBe(2 + Math.round((3 * 230) / 500));
  });
});

describe('footer', () => {
  it('says who it was sent to and why, offers role changes, unsubscribe, view online and subscribe', async () => {
    const project = fixtureProject({
      config: {
        replyTo: 'editors@test.example',
        urls: {
          unsubscribe: 'https://test.example/unsubscribe',
          preferences: 'https://test.example/preferences',
          archive: 'https://test.example/archive',
          subscribe: 'https://test.example/subscribe',
        },
      },
    });
    const { html, text } = (await compileFor(project, ['CTO'])).personalise(reader());
    const footer = html.slice(html.lastIndexOf('<hr') > 0 ? html.lastIndexOf('<hr') : html.lastIndexOf('rc-muted'));
    expect(footer).toContain('This email was sent to ada@example.com for CTO.');
    expect(footer).toContain('href="https://test.example/preferences?token=abc"');
    expect(footer).toContain('>Change your roles</a>');
    expect(footer).toContain('>Unsubscribe</a>');
    expect(footer).toContain('>View online</a>');
    expect(footer).toContain('<a href="https://test.example/subscribe"');
    expect(footer).toContain('Forwarded this? Subscribe');
    expect(footer).toContain('Replies go to editors@test.example.');
    expect(text).toContain('Forwarded this? Subscribe: https://test.example/subscribe');
  });

  it('names the reader’s roles that had nothing this week, in the message and in the spliced send', async () => {
    const compiled = await compileFor(fixtureProject(), ['CTO']);
    const fields = reader({ roles: ['Gardener', 'CTO', 'Night Owl'] });
    const { html, text } = compiled.personalise(fields);
    const line = 'This email was sent to ada@example.com for CTO. Nothing this week for Gardener, Night Owl.';
    expect(html).toContain(line);
    expect(text.replace(/\s+/g, ' ')).toContain(line);
    expect(compiled.template!(fields).values(fields).sentTo).toBe(line);
    // A reader whose roles all had content reads the short line.
    const short = compiled.personalise(reader({ roles: ['CTO'] })).html;
    expect(short).toContain('This email was sent to ada@example.com for CTO.');
    expect(short).not.toContain('Nothing this week');
  });
});

describe('per-variant subject, preheader and lead', () => {
  const summaries = [
    long('gateway', ['CTO'], { title: 'Gateways for language models' }),
    long('pricing', ['Executive'], { title: 'Pricing experiments without regret' }),
  ];

  it('lead with the variant’s own top story and leave out an issue preheader naming absent stories', async () => {
    const project = fixtureProject({
      summaries,
      manifest: { subject: '{{lead}} · Week {{week}}', preheader: 'Gateways and pricing experiments.' },
    });
    const cto = await compileFor(project, ['CTO']);
    const message = cto.personalise(reader());
    expect(cto.subject).toBe('Gateways for language models · Week 48');
    expect(message.html).toContain('For CTO this week: “Gateways for language models”.');
    expect(message.html).not.toContain('Gateways and pricing experiments.');
    expect(cto.problems).toEqual([]);
    // The editor edition has every story, so the issue's preheader fits it.
    expect((await compileFor(project)).personalise(reader()).html).toContain('Gateways and pricing experiments.');
  });

  it('take overrides per variant over per role, and warn when one names a story the variant lacks', async () => {
    const project = fixtureProject({
      summaries,
      manifest: {
        overrides: {
          CTO: { subject: 'For CTOs: {{top}}', preheader: 'Pricing experiments, for CTOs.', intro: 'Role intro.' },
          cto: { preheader: 'Only gateways this week.' },
        },
      },
    });
    const cto = await compileFor(project, ['CTO']);
    const { html } = cto.personalise(reader());
    expect(cto.subject).toBe('For CTOs: Gateways for language models');
    expect(html).toContain('Only gateways this week.');
    expect(html).toContain('Role intro.');

    const wrong = fixtureProject({
      summaries,
      manifest: { overrides: { CTO: { preheader: 'Pricing experiments!' } } },
    });
    const problems = (await compileFor(wrong, ['CTO'])).problems;
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        field: 'variant cto',
        message: expect.stringContaining('preheader names "Pricing experiments without regret"'),
      }),
    );
  });

  it('on the example issue, each reader’s subject and preheader name only their own stories', async () => {
    const { compiled, project, messageFor, readerOf } = await exampleAudience();
    const all = project.issue.summaries;
    let readerVariants = 0;
    for (const variant of compiled.values()) {
      const html = messageFor(variant, readerOf(variant.variant.id)).html;
      const preheader = /<div class="rc-preheader"[^>]*>([^&<]*)/.exec(html)?.[1] ?? '';
      expect(preheader.length, variant.variant.id).toBeGreaterThan(10);
      expect(absentMentions(variant.subject, variant.variant, all), variant.subject).toEqual([]);
      expect(absentMentions(preheader, variant.variant, all), preheader).toEqual([]);
      const top = variantSummaries(variant.variant)[0]!;
      expect(variant.subject.startsWith(top.title)).toBe(true);
      if (!variant.variant.isEditorEdition) readerVariants++;
    }
    expect(readerVariants).toBeGreaterThan(5);
    // The issue's own preheader names stories most readers do not get: the check would catch it.
    const cto = compiled.get('cto')!;
    expect(absentMentions(project.issue.manifest.preheader!, cto.variant, all).length).toBeGreaterThan(0);
  });
});

describe('subject in the reader’s language', () => {
  it('words {{weekLabel}} in each message’s language, as the lead is', async () => {
    const project = fixtureProject({ manifest: { subject: '{{lead}} · {{weekLabel}}' } });
    const compiled = await compileFor(project, ['CTO'], { languages: ['de'] });
    expect(compiled.personalise(reader()).subject).toMatch(/ · Week 48$/);
    const german = compiled.personalise(reader({ locale: 'de-DE' })).subject;
    expect(german).toMatch(/ · KW 48$/);
    expect(german).not.toContain('Week');
  });
});

describe('quality gates', () => {
  it('warn, naming the variant, on a card without any link', async () => {
    const project = fixtureProject({
      config: { urls: { unsubscribe: 'https://test.example/unsubscribe' } },
      summaries: [{ id: 'nolink', roles: ['CTO'] }],
    });
    const problems = await runQualityGates(project);
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        field: 'variant cto',
        message: expect.stringContaining('card "nolink" has no link'),
      }),
    );
  });

  it('refuse, naming the variant, a subject its template leaves empty', async () => {
    const problemsFor = async (subject: string) =>
      (
        await runQualityGates(
          fixtureProject({
            manifest: { subject },
            summaries: [{ id: 'lead', roles: ['CTO'], url: 'https://example.com/lead' }],
          }),
        )
      ).filter((p) => p.message.startsWith('the subject is empty'));
    expect(await problemsFor('{{lead}} · Week {{week}}')).toEqual([]);
    expect(await problemsFor('{{#if nothing}}News{{/if}}')).toContainEqual(
      expect.objectContaining({ severity: 'error', field: 'variant cto' }),
    );
  });

  it('warn, naming the variant, on a subject too wide for an inbox to show its end (wide characters count two)', async () => {
    const subjectWarnings = async (title: string) =>
      (
        await runQualityGates(
          fixtureProject({
            manifest: { subject: '{{lead}} · Week {{week}}' },
            summaries: [
              { id: 'lead', roles: ['CTO'], title, url: 'https://example.com/lead' },
              { id: 'next', roles: ['CTO'], url: 'https://example.com/next' },
            ],
          }),
        )
      ).filter((p) => p.message.startsWith('the subject is'));
    expect(await subjectWarnings('What a Feature Store Actually Costs in Year Two')).toEqual([]);
    const long = await subjectWarnings(`Supercalifragilistic${'x'.repeat(60)} Gateways for Phones`);
    expect(long).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        field: 'variant cto',
        message: expect.stringContaining('· Week 48" is never seen'),
      }),
    );
    // 40 Japanese characters are 80 columns: with "+ 1 more · Week 48" past the limit.
    const wide = await subjectWarnings(
      'データ品質の評価基準を一年かけて見直したチームが学んだ十の教訓と次の一歩を語る',
    );
    expect(wide.length).toBeGreaterThan(0);
    expect(wide[0]!.message).toMatch(/^the subject is (\d+) columns wide/);
  });

  it('warn on missing alt text and on colours below WCAG AA', async () => {
    const project = fixtureProject({
      config: {
        brand: {
          name: 'Test Weekly',
          primaryColor: '#7a7a7a',
          accentColor: '#e8590c',
          backgroundColor: '#f3f4f6',
          logoUrl: 'https://test.example/logo.png',
          logoAlt: ' ',
        },
      },
    });
    const messages = (await runQualityGates(project)).map((p) => `${p.severity} ${p.field} ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^warning variant editor image .*logo\.png has no alt text/));
    expect(messages).toContainEqual(
      expect.stringMatching(/^warning variant editor header text has contrast .* below WCAG AA/),
    );
  });

  it('keep a 15-summary editor edition of full cards under 100 KB as encoded for sending', async () => {
    const roles = ['CTO', 'Executive'];
    const summaries = Array.from({ length: 15 }, (_, i) =>
      long(`story-${i}`, [roles[i % 2]!], {
        summary: 'A realistic summary paragraph of about two hundred words. '.repeat(20),
        principles: ['One principle to hold.', 'Another principle to hold.', 'A third principle.'],
        practice: ['Do this first.', 'Then do this.', 'Finally, this.'],
        topics: ['Topic A', 'Topic B', 'Topic C', 'Topic D'],
      }),
    );
    const compiled = await compileFor(fixtureProject({ summaries }));
    expect(compiled.variant.summaryIds).toHaveLength(15);
    expect(compiled.encodedHtmlBytes).toBeLessThan(100 * 1024);
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('all show in check and build as warnings for each variant, per single-role variant without subscribers', async () => {
    const project = fixtureProject({
      config: { urls: { unsubscribe: 'https://test.example/unsubscribe' } },
      summaries: [{ id: 'nolink', roles: ['CTO', 'Executive'] }],
    });
    const variants = planSingleRoleVariants(project.issue.summaries, []);
    expect(variants.map((v) => v.id)).toEqual(['cto', 'executive']);
    const fields = (await runQualityGates(project)).filter((p) => p.message.includes('no link')).map((p) => p.field);
    expect(fields).toEqual(['variant editor', 'variant cto', 'variant executive']);
  });
});

describe('a reader of many roles', () => {
  const roles = ['CTO', 'Executive', 'Designer', 'Security Lead', 'Data Scientist', 'Product Manager'];
  const project = () => fixtureProject({ summaries: roles.map((role, i) => long(`s${i}`, [role])) });

  it('sees two of them named and the rest counted, in the lead, in text and HTML', async () => {
    const message = (await compileFor(project(), roles)).personalise(reader());
    const audience = 'For CTO, Executive and 4 more roles this week';
    expect(message.text.replace(/\s+/g, ' ')).toContain(audience);
    expect(message.html).toContain(audience);
    expect(message.text).not.toMatch(/Designer, Security Lead/);
  });

  it('sees three roles named in full, and a German reader the count in German', async () => {
    const three = (await compileFor(project(), roles.slice(0, 3))).personalise(reader());
    expect(three.text).toContain('For CTO, Executive and Designer this week');
    const german = await compileFor(project(), roles, { languages: ['de'] });
    expect(german.personalise(reader({ locale: 'de' })).text).toContain('Für CTO, Executive und 4 weitere Rollen');
  });
});
