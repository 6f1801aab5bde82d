import { describe, expect, it } from 'vitest';
import { verifyClickToken } from '../../src/analytics/token.js';
import { clickBase, trackLinks } from '../../src/analytics/track-links.js';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { buildView } from '../../src/render/view.js';
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
  it('maps every card link to a signed /c/ link naming issue, summary, role, variant and kind', () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const variant = editorVariant(project);
    const view = buildView(project.config, project.taxonomy, project.issue, variant, undefined, {
      summaryHref: (id) => `https://archive.example/s/${id}.html`,
    });
    view.sections[0]!.cards[0]!.source = { name: 'Source', domain: 'source.example', href: 'https://source.example/' };
    const tracked = trackLinks(view, variant.id, { base: 'https://t.example/c/', secret: SECRET, sentAt: 'SENT' });
    const [withLink, noLink] = tracked.sections[0]!.cards;
    const claimsOf = (link: string | undefined) => {
      expect(link).toMatch(/^https:\/\/t\.example\/c\/[\w-]+\.[\w-]+\?d=SENT$/);
      return verifyClickToken(new URL(link!).pathname.slice(3), SECRET);
    };
    expect(claimsOf(withLink!.href)).toEqual({
      issueId: project.issue.id,
      summaryId: 'with-link',
      role: 'CTO',
      variantId: variant.id,
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

  it('renders HTML and text with the same tracked links, the send time filled per reader', async () => {
    const project = fixtureProject({ summaries: SUMMARIES, config: { tracking: { clicks: true } } });
    const renderer = await createRenderer(project, { clickSecret: SECRET });
    const compiled = await renderer.compile(editorVariant(project));
    const sentAt = new Date('2026-12-01T10:00:00Z');
    const message = compiled.personalise({
      email: 'r@example.com',
      unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
      sentAt,
    });
    const link = `https://test.example/c/[\\w-]+\\.[\\w-]+\\?d=${Math.floor(sentAt.getTime() / 1000).toString(36)}`;
    const inText = message.text.match(new RegExp(link))?.[0];
    expect(inText).toBeDefined();
    expect(message.html.replace(/&#x3D;/g, '=')).toContain(`href="${inText}"`);
    expect(message.html).not.toContain('href="https://example.com/a');
    expect(message.text).not.toContain('https://example.com/a');
    expect(message.html).toContain('href="https://test.example/unsubscribe?token=abc"');
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
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
});
