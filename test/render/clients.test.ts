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
  it('is followed by invisible filler inside the hidden block', async () => {
    const { html } = await render(fixtureProject({ manifest: { preheader: 'Short preview line.' } }));
    const hidden = /<div style="display:none[^"]*">([^<]*)<\/div>/.exec(html);
    expect(hidden?.[1]).toMatch(/^Short preview line\.(&#847;&zwnj;&nbsp;){90}$/);
    // The filler ends before the visible header starts.
    expect(html.indexOf('&zwnj;')).toBeGreaterThan(html.indexOf('Short preview line.'));
    expect(html.lastIndexOf('&zwnj;')).toBeLessThan(html.indexOf('<h1'));
  });

  it('is left out, filler too, when the issue has none', async () => {
    const { html } = await render(fixtureProject({ manifest: { preheader: undefined } }));
    expect(html).not.toContain('&zwnj;');
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
      [/<h3\b[^>]*>/, ['font-size:21px', 'color:#']],
      [/<span class="rc-topic"[^>]*>/, ['display:inline-block', 'padding:', 'background:#', 'color:#']],
      [/<span class="rc-role"[^>]*>/, ['display:inline-block', 'padding:', 'background:#', 'color:#']],
      [/<[a-z]+ class="rc-label"[^>]*>/, ['font-size:12px', 'text-transform:uppercase', 'color:#']],
      [/<div class="rc-source"[^>]*>/, ['font-size:13px', 'color:#']],
    ];
    for (const [pattern, properties] of expectations) {
      const tags = startTags(body, pattern);
      expect(tags.length, String(pattern)).toBeGreaterThan(0);
      for (const tag of tags) for (const property of properties) expect(styleOf(tag), tag).toContain(property);
    }
  });

  it('keeps media queries and dark mode in <head>, where they work', async () => {
    const { html } = await render();
    const head = html.slice(0, html.indexOf('<body'));
    expect(head).toMatch(/@media only screen and \(max-width:480px\)\{[^<]*\.rc-card h3\{/);
    expect(head).toMatch(/@media \(prefers-color-scheme:dark\)\{[^<]*\.rc-topic,\.rc-role\{/);
    // Rules now inlined are not sent twice.
    expect(head).not.toMatch(/\.rc-chip\{|\.rc-label\{|\.rc-source\{/);
  });
});

describe('the article button', () => {
  it('is padded on the cell for Outlook and on the link elsewhere, in one colour', async () => {
    const { html } = await render();
    const button = /<td([^>]*)><a href="https:\/\/example\.com\/one"([^>]*)>Read the article/.exec(html);
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
