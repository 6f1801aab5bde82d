import { describe, expect, it } from 'vitest';
import { verifyClickToken, verifyClickVariant } from '../../src/analytics/token.js';
import { clickBase, trackLinks } from '../../src/analytics/track-links.js';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { buildView, createSharedViews } from '../../src/render/view.js';
import { fixtureProject } from '../render/_fixtures.js';

const SECRET = 'track-links-secret-0123456789abcdef';
const SUMMARIES = [
  { id: 'with-link', roles: ['CTO'], url: 'https://example.com/a?x=1&y=2' },
  { id: 'no-link', roles: ['CTO', 'Designer'] },
];

function editorVariant(project: ReturnType<typeof fixtureProject>) {
  const { summaries, manifest } = project.issue;
  return buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
}

describe('link tracking transform', () => {
  it('maps every card link to a signed /c/ link naming issue, summary, role and kind, the role set beside it', () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const variant = editorVariant(project);
    const view = buildView(project.config, project.taxonomy, project.issue, variant, undefined, {
      summaryHref: (id) => `https://archive.example/s/${id}.html`,
    });
    view.sections[0]!.cards[0]!.source = { name: 'Source', domain: 'source.example', href: 'https://source.example/' };
    const tracked = trackLinks(view, { base: 'https://t.example/c/', secret: SECRET, sentAt: 'SENT', variant: 'VAR' });
    const [withLink, noLink] = tracked.sections[0]!.cards;
    const claimsOf = (link: string | undefined) => {
      expect(link).toMatch(/^https:\/\/t\.example\/c\/[\w-]+\.[\w-]+\?v=VAR&d=SENT$/);
      return verifyClickToken(new URL(link!).pathname.slice(3), SECRET);
    };
    expect(claimsOf(withLink!.href)).toEqual({
      issueId: project.issue.id,
      summaryId: 'with-link',
      role: 'CTO',
      kind: 'article',
      target: 'https://example.com/a?x=1&y=2',
    });
    expect(claimsOf(withLink!.source?.href)).toMatchObject({ kind: 'source', target: 'https://source.example/' });
    expect(claimsOf(noLink!.href)).toMatchObject({
      kind: 'archive',
      summaryId: 'no-link',
      target: 'https://archive.example/s/no-link.html',
    });
    // The contents list repeats each card's own link, tracked the same way.
    const items = tracked.contents.sections.flatMap((group) => group.items);
    expect(items.map((item) => item.href)).toEqual([withLink!.href, noLink!.href]);
    // Never the reader's own links, and the input view is left as it was.
    expect([tracked.unsubscribe, tracked.preferences, tracked.viewOnline]).toEqual([
      view.unsubscribe,
      view.preferences,
      view.viewOnline,
    ]);
    expect(view.sections[0]!.cards[0]!.href).toBe('https://example.com/a?x=1&y=2');
  });

  it('leaves a link as written when its tracked form would be longer than serve answers', () => {
    // 400 Japanese characters in a path: under the 2,048-character limit as written, but stored
    // percent-encoded (3,628 characters), which makes a token of ~5,000 in a link.
    const written = `https://ja.example.org/wiki/${'あ'.repeat(400)}`;
    const long = `https://ja.example.org/wiki/${'%E3%81%82'.repeat(400)}`;
    const project = fixtureProject({ summaries: [{ id: 'long-link', roles: ['CTO'], url: written }, SUMMARIES[0]!] });
    const view = buildView(project.config, project.taxonomy, project.issue, editorVariant(project));
    const tracked = trackLinks(view, { base: 'https://t.example/c/', secret: SECRET, sentAt: 'SENT', variant: 'VAR' });
    const [longCard, shortCard] = tracked.sections[0]!.cards;
    // A 414 from serve would lose the reader's click altogether; an untracked link still works.
    expect(longCard!.href).toBe(long);
    expect(shortCard!.href).toMatch(/^https:\/\/t\.example\/c\//);
    // Any tracked link, with the longest role set and send time filled in, fits serve's limit.
    const longest = `?v=${'x'.repeat(142)}&d=${'z'.repeat(9)}`;
    const target = new URL(shortCard!.href!.replace(/\?.*$/, longest));
    expect(`${target.pathname}${target.search}`.length).toBeLessThanOrEqual(4096);
  });

  it('puts click links beside the unsubscribe endpoint unless tracking.baseUrl says otherwise', () => {
    const project = fixtureProject();
    expect(clickBase(project.config)).toBe('https://test.example/c/');
    expect(clickBase({ ...project.config, urls: { unsubscribe: 'https://x.example/rc/unsubscribe?a=1' } })).toBe(
      'https://x.example/rc/c/',
    );
    expect(
      clickBase({ ...project.config, tracking: { ...project.config.tracking, baseUrl: 'https://go.example/r' } }),
    ).toBe('https://go.example/r/');
    expect(clickBase({ ...project.config, urls: {} })).toBeUndefined();
  });

  it('renders HTML and text with the same tracked links, the role set and send time filled in', async () => {
    const project = fixtureProject({ summaries: SUMMARIES, config: { tracking: { clicks: true } } });
    const renderer = await createRenderer(project, { clickSecret: SECRET });
    const variant = editorVariant(project);
    const compiled = await renderer.compile(variant);
    const sentAt = new Date('2026-12-01T10:00:00Z');
    const message = compiled.personalise({
      email: 'r@example.com',
      unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
      sentAt,
    });
    const link = `https://test.example/c/[\\w-]+\\.[\\w-]+\\?v=([\\w-]+\\.[\\w-]+)&d=${Math.floor(sentAt.getTime() / 1000).toString(36)}`;
    const inText = message.text.match(new RegExp(link));
    expect(inText).not.toBeNull();
    expect(verifyClickVariant(inText![1]!, project.issue.id, SECRET)).toBe(variant.id);
    expect(message.html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toContain(`href="${inText![0]}"`);
    expect(message.html).not.toContain('href="https://example.com/a');
    expect(message.text).not.toContain('https://example.com/a');
    expect(message.html).toContain('href="https://test.example/unsubscribe?token=abc"');
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('gives a card the same tracked link in every role set; only the signed role set differs', async () => {
    const project = fixtureProject({ summaries: SUMMARIES, config: { tracking: { clicks: true } } });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder);
    const renderer = await createRenderer(project, { clickSecret: SECRET });
    const links: ReturnType<typeof verifyClickToken>[][] = [];
    for (const roles of [['CTO'], ['CTO', 'Designer']]) {
      const variant = buildVariant(summaries, order, roles);
      const text = (await renderer.compile(variant)).personalise({
        email: 'r@example.com',
        unsubscribeUrl: 'https://test.example/u',
      }).text;
      const found = [...text.matchAll(/\/c\/([\w-]+\.[\w-]+)\?v=([\w-]+\.[\w-]+)&/g)];
      expect(found.length).toBeGreaterThan(0);
      for (const [, , v] of found) expect(verifyClickVariant(v!, project.issue.id, SECRET)).toBe(variant.id);
      links.push(found.map(([, token]) => verifyClickToken(token!, SECRET)));
    }
    // The CTO section's cards: one token each, whichever role set holds them.
    const cto = (list: (typeof links)[number]) => list.filter((claims) => claims?.role === 'CTO');
    expect(cto(links[1]!)).toEqual(cto(links[0]!));
    expect(cto(links[0]!).length).toBeGreaterThan(0);
  });

  it('reuses one tracked copy of a shared section, so role sets keep sharing it', () => {
    // The CTO section reads the same for both role sets: none of its cards names the Designer or
    // Ops. Both copies have a band per section (a one-section copy titles its cards a level higher).
    const project = fixtureProject({
      summaries: [SUMMARIES[0]!, { id: 'design-only', roles: ['Designer'] }, { id: 'ops-only', roles: ['Ops'] }],
    });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder);
    const shared = createSharedViews();
    const tracking = { base: 'https://t.example/c/', secret: SECRET, sentAt: 'SENT', variant: 'VAR' };
    const [one, two] = [
      ['CTO', 'Designer'],
      ['CTO', 'Ops'],
    ].map((roles) =>
      trackLinks(
        buildView(project.config, project.taxonomy, project.issue, buildVariant(summaries, order, roles), undefined, {
          shared,
        }),
        tracking,
      ),
    );
    expect(one!.sections[0]!.role).toBe('CTO');
    expect(two!.sections[0]).toBe(one!.sections[0]);
    expect(two!.contents.sections[0]).toBe(one!.contents.sections[0]);
    // Another tracking (another key or base) never sees those copies.
    const other = trackLinks(
      buildView(
        project.config,
        project.taxonomy,
        project.issue,
        buildVariant(summaries, order, ['CTO', 'Designer']),
        undefined,
        {
          shared,
        },
      ),
      { ...tracking, base: 'https://u.example/c/' },
    );
    expect(other.sections[0]).not.toBe(one!.sections[0]);
    expect(other.sections[0]!.cards[0]!.href).toMatch(/^https:\/\/u\.example\/c\//);
  });

  it('leaves links as written with tracking off, or without a signing key', async () => {
    for (const [config, clickSecret] of [
      [{}, SECRET],
      [{ tracking: { clicks: true } }, undefined],
    ] as const) {
      const project = fixtureProject({ summaries: SUMMARIES, config });
      const compiled = await (await createRenderer(project, { clickSecret })).compile(editorVariant(project));
      const message = compiled.personalise({ email: 'r@example.com', unsubscribeUrl: 'https://test.example/u' });
      expect(message.html).toContain('href="https://example.com/a?x&#x3D;1&amp;y&#x3D;2"');
      expect(message.text).not.toContain('/c/');
    }
  });

  it("tracks a cut compact card's link to the rest of its summary, in both parts, as its archive link", async () => {
    const project = fixtureProject({
      config: { tracking: { clicks: true } },
      summaries: [
        {
          id: 'one',
          roles: ['CTO'],
          title: 'The story of one',
          summary: `${'First sentence of the summary runs on for a while with detail. '.repeat(3)}${'More detail follows here. '.repeat(20)}`,
          url: 'https://news.example/one',
        },
      ],
    });
    const { summaries, manifest } = project.issue;
    const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
    const renderer = await createRenderer(project, { clickSecret: 'click-secret-0123456789abcdef' });
    const { html, text } = (await renderer.compile(variant)).personalise({
      email: 'a@example.com',
      unsubscribeUrl: 'https://test.example/u?t=1',
    });
    const more = html.match(/<a href="([^"]*)" class="rc-link rc-more[^"]*"/)?.[1];
    const textMore = text.match(/Read the full summary:\s+(\S+)/)?.[1];
    for (const link of [more, textMore]) {
      expect(link).toMatch(/\/c\//);
      const token = new URL(link!.replace(/&amp;/g, '&')).pathname.split('/').at(-1)!;
      expect(verifyClickToken(token, 'click-secret-0123456789abcdef')).toMatchObject({
        summaryId: 'one',
        kind: 'archive',
      });
    }
  });
});
