import { describe, expect, it } from 'vitest';
import {
  buildVariant,
  effectiveRoleOrder,
  planAudience,
  planSingleRoleVariants,
  sectionsFor,
} from '../../src/group/index.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { type Summary, SummarySchema } from '../../src/model/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Executive', aliases: ['CEO'] },
  { name: 'ML Engineer', aliases: ['MLE'] },
  { name: 'Security Lead', aliases: ['CISO'] },
  { name: 'Designer', aliases: [] },
]);

/** Summaries and readers are written with aliases, then normalised as the loaders do. */
function summary(id: string, roles: string[]): Summary {
  return SummarySchema.parse({ id, title: id, summary: `About ${id}.`, roles: roles.map(taxonomy.normalise) });
}

function reader(email: string, roles: string[], status: Subscriber['status'] = 'active'): Subscriber {
  return { email, roles: roles.map(taxonomy.normalise), status };
}

const summaries = [
  summary('a', ['Executive', 'Chief Technology Officer']),
  summary('b', ['CISO', 'CTO']),
  summary('c', ['MLE']),
  summary('d', ['CTO', 'MLE', 'CEO']),
];

/** Sections as `role: ids`, the shape the tables below are written in. */
function shape(sections: ReturnType<typeof sectionsFor>): string[] {
  return sections.map((s) => `${s.role}: ${s.summaries.map((x) => x.id).join(' ')}`);
}

describe('effectiveRoleOrder', () => {
  it.each([
    { preferred: [], expected: ['Executive', 'CTO', 'Security Lead', 'ML Engineer'] },
    { preferred: ['ML Engineer', 'CTO'], expected: ['ML Engineer', 'CTO', 'Executive', 'Security Lead'] },
    // Roles no summary targets are dropped; duplicates count once.
    { preferred: ['Designer', 'CTO', 'CTO'], expected: ['CTO', 'Executive', 'Security Lead', 'ML Engineer'] },
  ])('issue order $preferred, then first appearance', ({ preferred, expected }) => {
    expect(effectiveRoleOrder(summaries, preferred)).toEqual(expected);
  });
});

describe('sectionsFor: a summary appears once, under the first of its roles the reader holds', () => {
  const order = effectiveRoleOrder(summaries, ['CTO', 'ML Engineer']);
  it.each([
    { name: 'single role', roles: ['CTO'], expected: ['CTO: a b d'] },
    // d's first role is CTO, so it sits there even for a reader who also holds ML Engineer.
    { name: 'multi-role reader', roles: ['MLE', 'CTO'], expected: ['CTO: a b d', 'ML Engineer: c'] },
    { name: 'summary for several roles, reader holds a later one', roles: ['CEO'], expected: ['Executive: a d'] },
    { name: 'alias roles', roles: ['Chief Technology Officer', 'CISO'], expected: ['CTO: a d', 'Security Lead: b'] },
    { name: 'executive and CTO', roles: ['CTO', 'Executive'], expected: ['CTO: b d', 'Executive: a'] },
    { name: 'no matching role', roles: ['Designer'], expected: [] },
  ])('$name', ({ roles, expected }) => {
    const sections = sectionsFor(summaries, order, new Set(roles.map(taxonomy.normalise)));
    expect(shape(sections)).toEqual(expected);
    const ids = sections.flatMap((s) => s.summaries.map((x) => x.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps all of a summary’s roles on its card, not just the reader’s', () => {
    const sections = sectionsFor(summaries, order, new Set(['ML Engineer']));
    expect(shape(sections)).toEqual(['ML Engineer: c d']);
    expect(sections[0]?.summaries.map((s) => s.roles)).toEqual([['ML Engineer'], ['CTO', 'ML Engineer', 'Executive']]);
  });

  it('editor edition holds every summary under its own first role', () => {
    const editor = buildVariant(summaries, order, undefined);
    expect(editor.id).toBe('editor');
    expect(editor.isEditorEdition).toBe(true);
    expect(shape(editor.sections)).toEqual(['CTO: d', 'ML Engineer: c', 'Executive: a', 'Security Lead: b']);
    expect(editor.summaryIds).toEqual(['d', 'c', 'a', 'b']);
  });
});

describe('planAudience', () => {
  const subscribers = [
    reader('one@example.com', ['CTO']),
    reader('two@example.com', ['Chief Technology Officer', 'CEO']),
    reader('three@example.com', ['CEO', 'CTO']),
    reader('four@example.com', ['Designer']),
    reader('five@example.com', []),
    reader('six@example.com', ['CTO'], 'unsubscribed'),
    reader('seven@example.com', ['MLE']),
    reader('eight@example.com', ['CISO']),
  ];
  const plan = planAudience(summaries, ['CTO'], subscribers, (email) => email === 'eight@example.com');

  it('compiles one variant per distinct set of relevant roles, whatever order readers list them in', () => {
    expect(plan.variants.map((v) => v.id)).toEqual(['cto', 'cto+executive', 'ml-engineer']);
  });

  it.each([
    ['one@example.com', 'cto'],
    ['two@example.com', 'cto+executive'],
    ['three@example.com', 'cto+executive'],
    ['seven@example.com', 'ml-engineer'],
  ])('%s receives %s', (email, variantId) => {
    expect(plan.recipients.find((r) => r.subscriber.email === email)?.variantId).toBe(variantId);
  });

  it.each([
    ['four@example.com', 'no-content'],
    ['five@example.com', 'no-content'],
    ['six@example.com', 'unsubscribed'],
    ['eight@example.com', 'suppressed'],
  ])('%s is skipped as %s', (email, reason) => {
    expect(plan.skipped.find((s) => s.subscriber.email === email)?.reason).toBe(reason);
    expect(plan.recipients.some((r) => r.subscriber.email === email)).toBe(false);
  });

  it('variant content follows the rule', () => {
    const byId = new Map(plan.variants.map((v) => [v.id, v]));
    expect(byId.get('cto+executive')?.summaryIds).toEqual(['b', 'd', 'a']);
    expect(byId.get('ml-engineer')?.summaryIds).toEqual(['c', 'd']);
    expect(plan.editor.summaryIds.slice().sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('planAudience shares sections', () => {
  it('hands role sets that show the same section one object, and keeps each role set its own sections', () => {
    const order = effectiveRoleOrder(summaries, ['CTO', 'ML Engineer']);
    const readers = [
      reader('one@example.com', ['CTO']),
      reader('two@example.com', ['CTO', 'MLE']),
      reader('three@example.com', ['MLE']),
      reader('four@example.com', ['CTO', 'CISO']),
      reader('five@example.com', ['CEO', 'MLE']),
    ];
    const plan = planAudience(summaries, ['CTO', 'ML Engineer'], readers);
    const byId = new Map(plan.variants.map((variant) => [variant.id, variant]));
    // Each role set still gets exactly the sections it would get on its own.
    for (const variant of plan.variants)
      expect(shape(variant.sections)).toEqual(shape(sectionsFor(summaries, order, new Set(variant.roles))));
    const cto = byId.get('cto')!.sections[0]!;
    expect(byId.get('cto+ml-engineer')!.sections[0]).toBe(cto);
    // "ML Engineer: c d" twice, one object; "ML Engineer: c" (d sits under CTO) is another section.
    const mle = byId.get('ml-engineer')!.sections[0]!;
    expect(shape([mle])).toEqual(['ML Engineer: c d']);
    const executive = plan.variants.find((variant) => variant.roles.includes('Executive'))!;
    expect(executive.sections.find((section) => section.role === 'ML Engineer')).toBe(mle);
    expect(byId.get('cto+ml-engineer')!.sections[1]).not.toBe(mle);
    // "CTO: a d" (b sits under Security Lead) is not "CTO: a b d".
    expect(shape([byId.get('cto+security-lead')!.sections[0]!])).toEqual(['CTO: a d']);
    expect(byId.get('cto+security-lead')!.sections[0]).not.toBe(cto);
  });
});

describe('planSingleRoleVariants', () => {
  it('gives one variant per role in section order', () => {
    const variants = planSingleRoleVariants(summaries, ['Security Lead']);
    expect(variants.map((v) => [v.id, v.summaryIds.join(' ')])).toEqual([
      ['security-lead', 'b'],
      ['executive', 'a d'],
      ['cto', 'a b d'],
      ['ml-engineer', 'c d'],
    ]);
  });
});

describe('variant ids', () => {
  const summary = (id: string, roles: string[]) =>
    ({
      id,
      title: id,
      summary: 's',
      takeaway: '',
      insights: '',
      principles: [],
      practice: [],
      topics: [],
      roles,
    }) as Summary;

  it('never lets two role sets share a variant, even when their slugs collide', () => {
    const summaries = [
      summary('cpp', ['C++ Engineer']),
      summary('cs', ['C# Engineer']),
      summary('ja', ['エンジニア']),
      summary('ru', ['Директор']),
    ];
    const readers = ['C++ Engineer', 'C# Engineer', 'エンジニア', 'Директор'].map((role, i) => ({
      email: `r${i}@example.com`,
      roles: [role],
      status: 'active' as const,
    }));
    const plan = planAudience(summaries, [], readers);
    const ids = plan.variants.map((v) => v.id);
    expect(new Set(ids).size).toBe(4);
    const received = plan.recipients.map((r) => plan.variants.find((v) => v.id === r.variantId)!.summaryIds);
    expect(received).toEqual([['cpp'], ['cs'], ['ja'], ['ru']]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9+-]+$/);
  });

  it('gives a role set the same id whoever else is planned with it, when two roles share a slug', () => {
    // "Data/ML" and "Data ML" both slug to data-ml. Each wave of a scheduled send and each --segment
    // send plans only its own readers: an override keyed by the id must reach the same readers in all.
    const summaries = [summary('a', ['Data/ML']), summary('b', ['Data ML'])];
    const slash = { email: 'a@example.com', roles: ['Data/ML'], status: 'active' as const };
    const space = { email: 'b@example.com', roles: ['Data ML'], status: 'active' as const };
    const idOf = (readers: (typeof slash)[], email: string) =>
      planAudience(summaries, [], readers).recipients.find((r) => r.subscriber.email === email)?.variantId;
    const slashIds = new Set([
      idOf([slash, space], slash.email),
      idOf([space, slash], slash.email),
      idOf([slash], slash.email),
    ]);
    const spaceIds = new Set([
      idOf([slash, space], space.email),
      idOf([space, slash], space.email),
      idOf([space], space.email),
    ]);
    expect(slashIds.size).toBe(1);
    expect(spaceIds.size).toBe(1);
    expect([...slashIds][0]).not.toBe([...spaceIds][0]);
  });

  it('keeps ids short enough for file names', () => {
    const roles = Array.from({ length: 12 }, (_, i) => `A Rather Long Role Name Number ${i}`);
    const plan = planAudience([summary('x', roles)], [], [{ email: 'a@example.com', roles, status: 'active' }]);
    expect(plan.variants[0]!.id.length).toBeLessThanOrEqual(89);
  });
});
