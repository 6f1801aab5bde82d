import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, planSingleRoleVariants } from '../../src/group/index.js';
import type { Summary } from '../../src/model/summary.js';
import { summaryParagraphs } from '../../src/render/cards.js';
import {
  compileAudience,
  createRenderer,
  type PersonalFields,
  type RendererOptions,
  weekLine,
} from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

const reader = (overrides: Partial<PersonalFields> = {}): PersonalFields => ({
  email: 'reader@example.com',
  name: 'Ada',
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
  viewOnlineUrl: 'https://test.example/archive/2026-W48/',
  ...overrides,
});

async function editorEdition(project = fixtureProject(), options: RendererOptions = {}) {
  const { summaries, manifest } = project.issue;
  const renderer = await createRenderer(project, options);
  return renderer.compile(buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), undefined));
}

describe('escaping', () => {
  it('shows markup in content as text, never as markup', async () => {
    const project = fixtureProject({
      summaries: [
        {
          id: 'xss',
          roles: ['CTO'],
          title: '<script>alert("title")</script>',
          summary: 'Tom & Jerry\'s <Bakery> <img src=x onerror="alert(1)">',
          takeaway: '<b>bold?</b>',
        },
      ],
    });
    const message = (await editorEdition(project)).personalise(reader());
    expect(message.html).not.toMatch(/<script/i);
    expect(message.html).not.toContain('<img src=x');
    expect(message.html).not.toContain('<b>bold?</b>');
    expect(message.html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(message.html).toContain('Tom &amp; Jerry&#x27;s &lt;Bakery&gt;');
    // The text part is text/plain: it carries the characters as written.
    expect(message.text).toContain('<script>alert("title")</script>');
  });

  it('escapes personal values in HTML and keeps them raw in text', async () => {
    const compiled = await editorEdition();
    const message = compiled.personalise(
      reader({ firstName: '<i>Ada</i> & co', unsubscribeUrl: 'https://test.example/u?token=a&list=b' }),
    );
    expect(message.html).toContain('Hi &lt;i&gt;Ada&lt;/i&gt; &amp; co,');
    expect(message.html).toContain('href="https://test.example/u?token=a&amp;list=b"');
    expect(message.text).toContain('Hi <i>Ada</i> & co,');
    expect(message.text).toContain('https://test.example/u?token=a&list=b');
  });
});

describe('white space in content', () => {
  it('keeps no-break and other Unicode spaces as written, in one role set and across many', async () => {
    const nbsp = '10\u00a0km at \u00ab\u00a0speed\u00a0\u00bb\u202f!';
    const project = fixtureProject({
      summaries: [
        { id: 'one', roles: ['CTO'], title: `Runs ${nbsp}`, summary: `Ideographic\u3000space and ${nbsp}` },
        { id: 'two', roles: ['Executive'], takeaway: `Takeaway ${nbsp}` },
      ],
    });
    const message = (await editorEdition(project)).personalise(reader());
    expect(message.html).toContain(`Runs ${nbsp}`);
    expect(message.html).toContain(`Ideographic\u3000space and ${nbsp}`);
    expect(message.text).toContain(nbsp);
    // Every role set of the issue: the later ones are filled from a shared render of their class.
    const renderer = await createRenderer(project);
    const { summaries, manifest } = project.issue;
    for (const roles of [['CTO'], ['Executive'], ['CTO', 'Executive'], ['Executive', 'CTO']]) {
      const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), roles);
      const html = (await renderer.compile(variant)).personalise(reader()).html;
      if (roles.includes('CTO')) expect(html).toContain(`Runs ${nbsp}`);
      if (roles.includes('Executive')) expect(html).toContain(`Takeaway ${nbsp}`);
    }
  });
});

describe('summary paragraphs', () => {
  it('split at lines that are blank, a pasted no-break space included, and join the lines of each', () => {
    const summary = { summary: 'One\u00a0km\nand on.\n\u00a0\nTwo\vlines.\n \t\nThree\u3000x.\n\n\u00a0\n' };
    expect(summaryParagraphs(summary as Summary)).toEqual(['One\u00a0km and on.', 'Two lines.', 'Three\u3000x.']);
  });
});

describe('personalisation', () => {
  it('fills every placeholder and never carries one reader into another’s message', async () => {
    const compiled = await editorEdition();
    const first = compiled.personalise(reader({ name: 'First', unsubscribeUrl: 'https://test.example/u?t=first' }));
    const second = compiled.personalise(
      reader({ email: 'b@example.com', name: 'Second', unsubscribeUrl: 'https://test.example/u?t=second' }),
    );
    for (const message of [first, second]) expect(message.html + message.text).not.toMatch(/__rc[0-9a-f]{16}_/);
    expect(second.html).toContain('Hi Second,');
    expect(second.html + second.text).not.toMatch(/first/i);
    expect(first.html).toContain('https://test.example/u?t=first');
  });

  it('greets a reader without a name and falls back to shared links', async () => {
    const compiled = await editorEdition();
    const message = compiled.personalise({ email: 'x@example.com', unsubscribeUrl: 'mailto:u@test.example' });
    expect(message.html).toContain('Hi there,');
    expect(message.html).toContain('href="https://test.example/preferences"');
    expect(message.html).toContain('href="mailto:u@test.example"');
  });

  it.each([
    ['en-GB', 'Europe/London', /Week 48 · 23\s?–\s?29 November 2026/, 'Hi Ada,'],
    ['en-US', 'America/Los_Angeles', /Week 48 · November 23\s?–\s?29, 2026/, 'Hi Ada,'],
    ['de-DE', 'Europe/Berlin', /KW 48 · 23\.\s?–\s?29\. November 2026/, 'Hallo Ada,'],
  ])('dates and greets in the reader’s locale %s', async (locale, timezone, expected, greeting) => {
    const compiled = await editorEdition(fixtureProject(), { languages: ['de'] });
    const message = compiled.personalise(reader({ locale, timezone }));
    expect(message.html).toMatch(expected);
    expect(message.text).toMatch(expected);
    expect(message.html).toContain(greeting);
  });

  it('writes each message in one language: a locale without its language compiled gets the list’s', async () => {
    const compiled = await editorEdition();
    const message = compiled.personalise(reader({ locale: 'de-DE', timezone: 'Europe/Berlin' }));
    expect(message.html).toMatch(/Week 48 · 23\s?–\s?29 November 2026/);
    expect(message.html).not.toMatch(/KW 48|November 2026.*Abmelden|Hallo/s);
    const german = (await editorEdition(fixtureProject(), { languages: ['de'] })).personalise(
      reader({ locale: 'de-AT', timezone: 'Europe/Vienna' }),
    );
    for (const word of ['Hallo Ada,', 'In dieser Ausgabe', 'Abmelden', 'Rollen ändern', 'Redaktionsausgabe'])
      expect(german.html).toContain(word);
    for (const word of ['Unsubscribe', 'In this issue', 'Key takeaway', 'Best for', 'Week 48'])
      expect(german.html + german.text).not.toContain(word);
  });

  it('computes the ISO week Monday to Sunday, across a year boundary', () => {
    expect(weekLine('2026-12-31', 'en-GB', 'UTC')).toMatch(/^Week 53 · 28 December 2026\s?–\s?3 January 2027$/);
    expect(weekLine('2026-11-23', 'en-GB', 'Pacific/Auckland')).toMatch(/^Week 48 · 23\s?–\s?29 November 2026$/);
  });
});

describe('variants', () => {
  it('renders a subject per variant naming its roles, on one line', async () => {
    const project = fixtureProject({ manifest: { subject: '{{title}} · Week {{week}}: {{roles}}' } });
    const variants = planSingleRoleVariants(project.issue.summaries, []);
    const compiled = await compileAudience(project, variants);
    expect([...compiled.keys()]).toEqual(['editor', 'cto', 'executive']);
    expect(compiled.get('editor')?.subject).toBe('Test Weekly · Week 48: All roles');
    expect(compiled.get('cto')?.subject).toBe('Test Weekly · Week 48: CTO');
    for (const variant of compiled.values()) expect(variant.subject).not.toMatch(/[\r\n]/);
  });

  it('shows each summary once, all of its roles as chips, and a button only when it has a link', async () => {
    const project = fixtureProject();
    const [cto] = planSingleRoleVariants(project.issue.summaries, ['CTO']);
    const compiled = await (await createRenderer(project)).compile(cto!);
    const { html, text } = compiled.personalise(reader());
    expect(html.match(/<h2[^>]*>.*?<\/h2>/g)?.filter((h) => h.includes('Title one'))).toHaveLength(1);
    expect(html).not.toContain('Title two');
    // All of the summary's roles; the reader's one is named by the lead, so it is not marked again.
    expect(html).toContain('Best for: CTO, Executive<');
    expect(html.match(/>Read the article →/g)).toHaveLength(1);
    expect(html).toContain('href="https://example.com/one"');
    expect(text).toContain('Read the article: https://example.com/one');
  });

  it('has lang, colour-scheme support, no remote fonts and alt text on images', async () => {
    const project = fixtureProject({
      config: {
        brand: {
          name: 'Test Weekly',
          primaryColor: '#1f3a5f',
          accentColor: '#e8590c',
          backgroundColor: '#f3f4f6',
          logoUrl: 'https://test.example/logo.png',
        },
      },
    });
    const { html } = (await editorEdition(project)).personalise(reader());
    expect(html).toMatch(/<html[^>]* lang="en"/);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('prefers-color-scheme:dark');
    expect(html).not.toMatch(/fonts\.googleapis|@import|<link[^>]+stylesheet/);
    const images = html.match(/<img\b[^>]*>/g) ?? [];
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/\balt="[^"]+"/);
    // With images blocked the logo's alt text shows on the header's colour: it reads in the header's text colour.
    const logo = images.find((image) => image.includes('logo.png'))!;
    expect(logo).toMatch(/style="[^"]*color:#ffffff/i);
  });
});

describe('the language a message names', () => {
  it("is the labels' when the list writes in a language without a catalogue, and its stories carry the list's", async () => {
    const project = fixtureProject({ config: { locale: 'fr-FR' } });
    const { html } = (await editorEdition(project)).personalise(reader());
    // The labels are English (the fallback catalogue); the stories are the list's French.
    expect(html).toMatch(/<html[^>]* lang="en"/);
    const titles = html.match(/<h3\b[^>]*>/g) ?? [];
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toContain('lang="fr-FR"');
  });

  it("is the labels', with no story marked, when the list writes in a language with a catalogue", async () => {
    const project = fixtureProject({ config: { locale: 'de-AT' } });
    const { html } = (await editorEdition(project)).personalise(reader());
    expect(html).toMatch(/<html[^>]* lang="de"/);
    expect(html).not.toMatch(/<h3\b[^>]* lang=/);
  });

  it("is the labels' language for every reader, never the list's region over another region's reader", async () => {
    const cases: [list: string, reader: string | undefined, lang: string][] = [
      ['en-GB', 'en-US', 'en'],
      ['en-GB', 'en-GB', 'en'],
      ['en-GB', undefined, 'en'],
      ['en-US', 'en-GB', 'en'],
      ['en-US', 'fr-FR', 'en'],
      ['de-AT', 'de-DE', 'de'],
      ['en-GB', 'de-CH', 'de'],
    ];
    for (const [list, locale, lang] of cases) {
      const compiled = await editorEdition(fixtureProject({ config: { locale: list } }), { languages: ['de'] });
      const { html } = compiled.personalise(reader({ locale }));
      // The <html> element and MJML's article wrapper both carry it.
      expect(html.match(/<html[^>]* lang="([^"]*)"/)?.[1], `${list} list, ${locale} reader`).toBe(lang);
      expect(html.match(/role="article" lang="([^"]*)"/)?.[1], `${list} list, ${locale} reader`).toBe(lang);
    }
  });
});

describe('placeholder tokens in content', () => {
  it('are never filled with a reader’s values', async () => {
    const project = fixtureProject({
      summaries: [{ id: 'tricky', roles: ['CTO'], summary: 'Token: __rcf7q_unsubscribe_7q__ end.' }],
    });
    const { html, text } = (await editorEdition(project)).personalise(
      reader({ unsubscribeUrl: 'https://secret.example/u' }),
    );
    expect(html.match(/secret\.example/g)).toHaveLength(1);
    expect(text.match(/secret\.example/g)).toHaveLength(1);
  });
});
