import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer, type PersonalFields } from '../../src/render/index.js';
import { TEXT_WIDTH } from '../../src/render/wrap.js';
import { fixtureProject } from './_fixtures.js';

/** Markup that has to hold up in mail clients with the least CSS support. */

const reader: PersonalFields = {
  email: 'reader@example.com',
  name: 'Ada',
  unsubscribeUrl: `https://test.example/unsubscribe?token=${'x'.repeat(90)}`,
};

async function render(project = fixtureProject()) {
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), undefined);
  return (await (await createRenderer(project)).compile(variant)).personalise(reader);
}

/** Every start tag in the HTML that matches `pattern` (a whole tag). */
function startTags(html: string, pattern: RegExp): string[] {
  return html.match(new RegExp(pattern.source, 'gi')) ?? [];
}

function styleOf(tag: string): string {
  return /\sstyle="([^"]*)"/.exec(tag)?.[1] ?? '';
}

describe('preheader', () => {
  it('is hidden by display and size, never by text coloured like its background, with filler after it', async () => {
    const { html } = await render(fixtureProject({ manifest: { preheader: 'Short preview line.' } }));
    const hidden = /<div class="rc-preheader" style="([^"]*)">([^<]*)<\/div>/.exec(html);
    expect(hidden?.[1]).toContain('display:none');
    expect(hidden?.[1]).not.toMatch(/color|font-size|opacity/);
    expect(hidden?.[2]).toMatch(/^Short preview line\.(&#847;&zwnj;&nbsp;){60}$/);
    // The filler ends before the visible header starts.
    expect(html.lastIndexOf('&zwnj;')).toBeLessThan(html.indexOf('<h1'));
  });

  it('is built from the edition’s own stories when the issue has none', async () => {
    const { html } = await render(fixtureProject({ manifest: { preheader: undefined } }));
    expect(/<div class="rc-preheader"[^>]*>([^&<]*)/.exec(html)?.[1]).toBe('Also: Title two');
  });
});

describe('client compatibility', () => {
  it('has the metas, the Outlook font fallback and dark mode for Apple Mail and Outlook.com', async () => {
    const { html } = await render();
    const head = html.slice(0, html.indexOf('<body'));
    expect(head).toContain('<meta name="x-apple-disable-message-reformatting">');
    expect(head).toMatch(/<meta name="format-detection" content="telephone=no/);
    expect(head).toMatch(/<!--\[if mso\]><style>[^<]*font-family:Arial[^<]*<\/style><!\[endif\]-->/);
    expect(head).toMatch(/@media \(prefers-color-scheme:dark\)\{[^<]*\.rc-box\{background:#/);
    expect(head).toMatch(/\[data-ogsc\] \.rc-link[^{]*\{color:#/);
    expect(head).toMatch(/\[data-ogsb\] \.rc-box\{background:#/);
  });

  it('uses no child selectors, which Gmail drops with the whole rule', async () => {
    const { html } = await render();
    for (const css of html.match(/<style[^>]*>[^<]*<\/style>/g) ?? []) {
      for (const rule of css.replace(/<\/?style[^>]*>/g, '').split('}')) {
        expect(rule.split('{')[0] ?? '', rule).not.toContain('>');
      }
    }
  });

  it('paints boxes as table cells with bgcolor, which Outlook honours', async () => {
    const { html } = await render();
    const body = html.slice(html.indexOf('<body'));
    expect(body).not.toMatch(/<div class="rc-(box|band|takeaway)"/);
    for (const name of ['rc-box', 'rc-band', 'rc-takeaway']) {
      const cells = body.match(new RegExp(`<td bgcolor="#[0-9a-f]{6}" class="${name}"`, 'g')) ?? [];
      expect(cells.length, name).toBeGreaterThan(0);
    }
  });
});

describe('styles for clients that drop <head> styles', () => {
  it('puts card styling on the elements themselves', async () => {
    const project = fixtureProject({
      summaries: [
        {
          id: 'one',
          roles: ['CTO', 'Executive'],
          url: 'https://example.com/one',
          principles: ['Own it.'],
          topics: ['Costs', 'Gateways'],
          source: 'Test Notes',
        },
      ],
    });
    const { html } = await render(project);
    const body = html.slice(html.indexOf('<body'));
    const expectations: [RegExp, string[]][] = [
      [/<h3\b[^>]*>/, ['font-size:20px', 'line-height:']],
      [/<p class="rc-muted"[^>]*>/, ['font-size:1', 'color:#']],
      [/<a href="https:\/\/example\.com\/one" class="rc-link"[^>]*>/, ['color:#']],
    ];
    for (const [pattern, properties] of expectations) {
      const tags = startTags(body, pattern);
      expect(tags.length, String(pattern)).toBeGreaterThan(0);
      for (const tag of tags) for (const property of properties) expect(styleOf(tag), tag).toContain(property);
    }
    const titleLink = /<h3\b[^>]*><a ([^>]*)>/.exec(body)?.[1] ?? '';
    expect(styleOf(` ${titleLink}`)).toMatch(/color:#[0-9a-f]{6};text-decoration:none/);
    // Topics are one muted line, not a row of chips.
    expect(body).toContain('Topics: Costs · Gateways');
  });

  it('keeps media queries and dark mode in <head>, where they work', async () => {
    const { html } = await render();
    const head = html.slice(0, html.indexOf('<body'));
    expect(head).toMatch(/@media only screen and \(max-width:480px\)\{[^<]*\.rc-card h3\{/);
    expect(head).toMatch(/@media \(prefers-color-scheme:dark\)\{[^<]*\.rc-mine\{/);
  });
});

describe('the article button', () => {
  it('is padded on the cell for Outlook and on the link elsewhere, in one colour', async () => {
    const { html } = await render();
    const button = /<td([^>]*)><a href="https:\/\/example\.com\/one"([^>]*)>Read the article →/.exec(html);
    expect(button).not.toBeNull();
    const [, cell, link] = button!;
    const colour = /bgcolor="(#[0-9a-f]{6})"/i.exec(cell!)?.[1];
    expect(colour).toBeDefined();
    expect(styleOf(cell!)).toContain(`background:${colour}`);
    expect(styleOf(cell!)).toMatch(/mso-padding-alt:\d+px \d+px/);
    const linkStyle = styleOf(link!);
    expect(linkStyle).toContain('display:inline-block');
    expect(linkStyle).toMatch(/(^|;)padding:\d+px \d+px/);
    expect(linkStyle).toContain('mso-padding-alt:0');
    expect(linkStyle).toContain(`border:1px solid ${colour}`);
  });
});

describe('plain-text part', () => {
  it('wraps prose at the text width, hangs bullets and gives long links their own line', async () => {
    const long = 'A sentence that goes on for a while and then some more. '.repeat(12).trim();
    const project = fixtureProject({
      summaries: [
        {
          id: 'one',
          roles: ['CTO'],
          summary: long,
          principles: [`Bullet ${'text '.repeat(30).trim()}`],
          url: `https://example.com/${'path/'.repeat(20)}`,
        },
      ],
    });
    const { text } = await render(project);
    const lines = text.split('\n');
    for (const line of lines) {
      if ([...line].length > TEXT_WIDTH) expect(line, 'only a lone link may be longer').toMatch(/^\s*\S+$/);
    }
    expect(text).toMatch(/\n {2}\* Bullet text[^\n]*\n {4}text/);
    expect(text).toContain(`Read the article:\nhttps://example.com/${'path/'.repeat(20)}\n`);
    expect(text).toContain(`Unsubscribe:\n${reader.unsubscribeUrl}\n`);
    expect(text.replace(/\s+/g, ' ')).toContain(long);
  });
});
