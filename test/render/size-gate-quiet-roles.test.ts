import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { withSubscribers } from '../../src/load/project.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { SubscriberTable } from '../../src/model/subscriber-table.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { readerFields } from '../../src/render/fields.js';
import { createRenderer } from '../../src/render/index.js';
import { longestRoleHolders, quietRoleSets } from '../../src/render/quiet-room.js';
import { renderReaders } from '../../src/send/compose.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The footer's "Nothing this week for …" names the reader's own roles without content: the size
 * gate measures a sample reader who has none, so it must make room for that line as it does for
 * the reader's name and address, or a reader of long quiet roles gets a message past the limit the
 * gate said it kept.
 */

// Three roles of 100 characters of three UTF-8 bytes each: about 2.7 KB once encoded.
const longRoles = ['龍', '鳳', '虎'].map((glyph) => glyph.repeat(100));

const reader = (roles: string[]): Subscriber => ({
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  roles,
  status: 'active',
});

/** The CTO edition with a warning threshold of 1 KB, whose warning says the size measured, room included. */
async function measuredCto(subscribers: Subscriber[] | undefined) {
  const project = withSubscribers(fixtureProject({ config: { sizeWarnKb: 1 } }), subscribers);
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
  const compiled = await (await createRenderer(project)).compile(variant);
  const warning = compiled.problems.find((p) => /warning threshold/.test(p.message))!.message;
  const measuredKb = Number(/HTML is ([\d.]+) KB/.exec(warning)![1]);
  const sentKb = async (subscriber: Subscriber) => {
    const links = personalLinks(project.config, 'a-secret', project.issue.id, subscriber.email);
    return (await encodedSizes(compiled.personalise(readerFields(links, subscriber)))).htmlBytes / 1024;
  };
  return { measuredKb, roomKb: measuredKb - compiled.encodedHtmlBytes / 1024, sentKb };
}

describe('the size gate’s room for the footer’s quiet roles', () => {
  it('measures no less than a list reader’s message that names three long roles with nothing this week', async () => {
    const quietReader = reader(['CTO', ...longRoles]);
    const { measuredKb, sentKb } = await measuredCto([reader(['CTO']), quietReader]);
    expect(await sentKb(quietReader)).toBeLessThanOrEqual(measuredKb + 0.05);
  });

  it('makes that room without a list too, for the longest roles a reader may hold', async () => {
    const { measuredKb, roomKb, sentKb } = await measuredCto(undefined);
    expect(await sentKb(reader(['CTO', ...longRoles]))).toBeLessThanOrEqual(measuredKb + 0.05);
    // About 7.4 KB for the longest name and address, and 2.7 KB for three roles of 100 such characters.
    expect(roomKb).toBeGreaterThan(9.8);
  });

  it('counts only the list’s own role names: a list of short roles gets little room', async () => {
    const short = await measuredCto([reader(['CTO', 'Gardener'])]);
    const long = await measuredCto([reader(['CTO', ...longRoles])]);
    expect(long.measuredKb - short.measuredKb).toBeGreaterThan(2.5);
  });
});

describe('the quiet role sets measured', () => {
  it('takes the longest names the list holds, each with a reader who holds it, a shared roles array read once', () => {
    const shared = ['CTO', 'Gardener'];
    const holder = reader(['CTO', 'Chief Night Owl']);
    const found = longestRoleHolders([reader(shared), reader(shared), holder]);
    expect(found.names).toEqual(['Chief Night Owl', 'Gardener', 'CTO']);
    expect(found.holders).toContain(holder);
  });

  it('names the three longest others, and the two longest with the most counted', () => {
    const variant = { id: 'cto', roles: ['CTO'], isEditorEdition: false, sections: [], summaryIds: [] };
    const names = ['Longest one', 'Longer', 'CTO', 'Long', 'Mid', 'Low'];
    expect(quietRoleSets(variant, names)).toEqual([
      ['CTO', 'Longest one', 'Longer', 'Long'],
      ['CTO', 'Longest one', 'Longer', 'Long', 'Mid', 'Low'],
    ]);
    expect(quietRoleSets({ ...variant, isEditorEdition: true, roles: [] }, names)).toEqual([]);
    expect(quietRoleSets(variant, ['CTO'])).toEqual([]);
  });
});

describe('the readers a send renders from', () => {
  it('include a reader holding the list’s longest role name, however far down the list', () => {
    const list = Array.from({ length: 50 }, (_, i) => ({ ...reader(['CTO']), email: `r${i}@example.com` }));
    list.push({ ...reader(['CTO', longRoles[0]!]), email: 'q@example.com' });
    const rendered = renderReaders(SubscriberTable.from(list));
    expect(rendered.map((r) => r.email)).toContain('q@example.com');
  });
});
