import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it, vi } from 'vitest';
import { buildVariant, effectiveRoleOrder, type Variant } from '../../src/group/index.js';
import { catalogue, LANGUAGES, languageOf, type MessageKey, translator } from '../../src/i18n/index.js';
import type { LoadedIssue } from '../../src/load/issue.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createFieldTokens } from '../../src/render/_personal.js';
import { pluralForm } from '../../src/render/_text.js';
import { messageFrame, subjectFrames } from '../../src/render/encoded-size.js';
import { absentMentions, variantSummaries } from '../../src/render/mentions.js';
import { listFormat } from '../../src/render/role-list.js';
import { namesRead, renderSubject } from '../../src/render/subject-template.js';
import { createSharedViews, type DigestView, type ViewOptions } from '../../src/render/view.js';
import { viewProblems } from '../../src/render/view-gates.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/**
 * What a variant's view keeps across variants (subjects, absent mentions, role lists, contents
 * lines, catalogue messages, frame sizes) against the same worked out from scratch: a memo that
 * answered for another input would show here as a difference.
 */

type ViewModule = typeof import('../../src/render/view.js');
type GatesModule = typeof import('../../src/render/view-gates.js');

/** The view and gate modules loaded anew: none of their memos has seen anything yet. */
async function freshModules(): Promise<{ view: ViewModule; gates: GatesModule }> {
  vi.resetModules();
  const view = await import('../../src/render/view.js');
  const gates = await import('../../src/render/view-gates.js');
  return { view, gates };
}

function roleOrder(project: Project): string[] {
  return effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
}

function withManifest(project: Project, manifest: Partial<LoadedIssue['manifest']>): Project {
  return { ...project, issue: { ...project.issue, manifest: { ...project.issue.manifest, ...manifest } } };
}

const sentinel = createFieldTokens().sentinel;

function viewOf(module: ViewModule, project: Project, variant: Variant, options: ViewOptions = {}): DigestView {
  return module.buildView(project.config, project.taxonomy, project.issue, variant, sentinel, options);
}

describe('views built one after another equal views built from scratch', () => {
  it('for many random role sets, in both languages, both card styles and several subject templates', async () => {
    const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const order = roleOrder(base);
    // The example's subject reads {{lead}} only; the others read the roles, the count, the whole values.
    const projects = [
      base,
      withManifest(base, { subject: '{{roles}}: {{top}} and {{more}} more' }),
      withManifest(base, { subject: '{{#if more}}{{count}} reads{{else}}{{top}}{{/if}} · {{lookup this "roles"}}' }),
      withManifest(base, { preheader: undefined, overrides: { CTO: { subject: 'For the CTO: {{lead}}' } } }),
    ];
    const shared = createSharedViews();
    const warm = await import('../../src/render/view.js');
    const seen: { project: Project; variant: Variant; options: ViewOptions; view: DigestView }[] = [];
    const roles = fc.integer({ min: 1, max: 2 ** order.length - 1 }).map((m) => order.filter((_, b) => m & (1 << b)));
    const options = fc.record({
      language: fc.constantFrom(...LANGUAGES),
      cardStyle: fc.constantFrom('compact' as const, 'full' as const),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: projects.length - 1 }), roles, options, (which, set, given) => {
        const project = projects[which]!;
        // Variants of one role list in two orders differ in their subject and lead only.
        const listed = set.length > 1 && set.length % 2 === 0 ? [...set].reverse() : set;
        const variant = buildVariant(project.issue.summaries, order, listed);
        const view = viewOf(warm, project, variant, { ...given, shared });
        seen.push({ project, variant, options: given, view });
      }),
      { numRuns: 400, seed: 48 },
    );
    // Every 20th view, each against modules that never built another one.
    let compared = 0;
    for (let i = 0; i < seen.length; i += 20) {
      const { project, variant, options, view } = seen[i]!;
      const fresh = await freshModules();
      expect(view).toEqual(viewOf(fresh.view, project, variant, options));
      const where = { file: 'issue.json', variantId: variant.id };
      expect(viewProblems(view, variant, project.issue.summaries, where)).toEqual(
        fresh.gates.viewProblems(view, variant, project.issue.summaries, where),
      );
      compared++;
    }
    expect(compared).toBe(20);
  }, 120_000);

  it('give variants that differ only in role order, stories or language their own lead and subject', async () => {
    const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const project = withManifest(base, { subject: '{{lead}} · {{roles}}' });
    const order = roleOrder(project);
    const all = project.issue.summaries;
    const [first, second] = order;
    const forward = buildVariant(all, order, [first!, second!]);
    const backward = buildVariant(all, order, [second!, first!]);
    const warm = await import('../../src/render/view.js');
    const shared = createSharedViews();
    const views = [
      viewOf(warm, project, forward, { shared }),
      viewOf(warm, project, backward, { shared }),
      viewOf(warm, project, forward, { shared, language: 'de' }),
    ];
    expect(views[0]!.subject).not.toBe(views[1]!.subject);
    expect(views[0]!.issue.lead).not.toBe(views[1]!.issue.lead);
    expect(views[0]!.subject).not.toBe(views[2]!.subject);
    expect(views[0]!.issue.lead).not.toBe(views[2]!.issue.lead);
    const fresh = await freshModules();
    expect(views[0]).toEqual(viewOf(fresh.view, project, forward));
    expect(views[1]).toEqual(viewOf(fresh.view, project, backward));
    expect(views[2]).toEqual(viewOf(fresh.view, project, forward, { language: 'de' }));
  });
});

describe('subjects kept by the names their template reads', () => {
  it('read as the template written out each time, for any template and values', () => {
    const token = fc.constantFrom(
      '{{lead}}',
      '{{top}}',
      ' · ',
      'Week {{week}}',
      '{{#if more}} and {{more}} more{{/if}}',
      '{{#unless count}}none{{/unless}}',
      '{{roles}}',
      '{{{title}}}',
      '\n',
      '{{lookup brand "length"}}',
      '{{lookup this "roles"}}',
      '{{#each this}}{{@key}}={{this}};{{/each}}',
      '{{@root.top}}',
      '{{"lead"}}',
      '{{[roles]}}',
      '{{#with top}}{{this}}{{/with}}',
      '{{top.length}}',
    );
    const values = fc.record({
      lead: fc.constantFrom('Top story', 'Top storyA', 'Top & more', 's3:x'),
      top: fc.constantFrom('A', 'B <b>', ''),
      count: fc.constantFrom(0, 1, 3, -0),
      more: fc.integer({ min: 0, max: 2 }),
      roles: fc.constantFrom('CTO', 'CTO and Data', 'CTO, Data'),
      week: fc.constantFrom(48, '48'),
      title: fc.constantFrom('Weekly', '  Spaced  '),
      brand: fc.constantFrom('Acme', 'Acme Corp'),
    });
    const written = (source: string, v: Record<string, string | number>) =>
      Handlebars.create()
        .compile(source, { noEscape: true, strict: false })(v)
        .replace(/[\r\n]+/g, ' ')
        .replace(/\s{2,}/g, ' ')
        .trim();
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 5 }),
        fc.array(values, { minLength: 1, maxLength: 6 }),
        (tokens, all) => {
          const source = tokens.join('');
          for (const v of all) expect(renderSubject(source, v)).toBe(written(source, v));
        },
      ),
      { numRuns: 300, seed: 1126 },
    );
  });

  it('tell apart values that read alike once joined or written out', () => {
    expect(renderSubject('{{lead}} | {{top}}', { lead: 'Top storyA', top: '' })).toBe('Top storyA |');
    expect(renderSubject('{{lead}} | {{top}}', { lead: 'Top story', top: 'A' })).toBe('Top story | A');
    expect(renderSubject('{{#if count}}some{{else}}none{{/if}}', { count: 0 })).toBe('none');
    expect(renderSubject('{{#if count}}some{{else}}none{{/if}}', { count: '0' })).toBe('some');
  });

  it('name every value a template can read, and none for one that reads the values as a whole', () => {
    expect(namesRead('{{lead}} · Week {{week}}')?.sort()).toEqual(['lead', 'week']);
    expect(namesRead('{{#if more}}{{roles}}{{/if}}')?.sort()).toEqual(['if', 'more', 'roles']);
    expect(namesRead('{{lookup this "roles"}}')).toBeUndefined();
    expect(namesRead('{{@root.top}}')).toBeUndefined();
    expect(namesRead('{{"lead"}}')).toBeUndefined();
  });
});

describe('absent mentions kept by the stories a variant holds', () => {
  it('answer for the stories asked about, not for the last variant with the same text', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const all = project.issue.summaries;
    const order = roleOrder(project);
    const text = all.map((s) => s.title).join(' · ');
    const variants = order.map((role) => buildVariant(all, order, [role]));
    for (const variant of [...variants, ...variants.reverse()]) {
      const present = new Set(variantSummaries(variant).map((s) => s.id));
      const absent = absentMentions(text, variant, all).map((s) => s.id);
      // Every title is named: what is absent is exactly what the variant lacks.
      expect(absent).toEqual(all.filter((s) => !present.has(s.id)).map((s) => s.id));
    }
  });
});

describe('role lists', () => {
  it('read as Intl writes them, in every locale and length', () => {
    const names = fc.constantFrom('CTO', 'Ingeniera', 'Hija', 'Data Scientist', 'otro', 'hombre', 'Éditeur', '');
    const locales = ['en', 'en-GB', 'en-US', 'de', 'de-AT', 'de-CH', 'es', 'es-ES', 'he', 'it', 'fr', 'en-u-nu-arab'];
    fc.assert(
      fc.property(fc.constantFrom(...locales), fc.array(names, { maxLength: 25 }), (locale, items) => {
        expect(listFormat(locale, items)).toBe(new Intl.ListFormat(locale, { type: 'conjunction' }).format(items));
      }),
      { numRuns: 500, seed: 7 },
    );
    // Spanish writes "e" before a word that starts with an "i" sound: its lists are never kept as a pattern.
    expect(listFormat('es', ['CTO', 'Ingeniera'])).toBe('CTO e Ingeniera');
  });
});

describe('catalogue messages', () => {
  it('fill as replacing every placeholder in the message, for every key and language', () => {
    const reference = (template: string, values: Record<string, string | number>) =>
      template.replace(/\{(\w+)\}/g, (whole, name: string) =>
        Object.hasOwn(values, name) ? String(values[name]) : whole,
      );
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constantFrom('$&', '{count}', '$1'));
    for (const language of LANGUAGES) {
      const messages = catalogue(language);
      const keys = Object.keys(messages) as MessageKey[];
      const names = [...new Set(keys.flatMap((key) => [...messages[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))];
      fc.assert(
        fc.property(
          fc.constantFrom(...keys),
          fc.dictionary(fc.constantFrom(...names, 'other'), value),
          (key, values) => {
            expect(translator(language)(key, values)).toBe(reference(messages[key], values));
          },
        ),
        { numRuns: 500, seed: 3 },
      );
      for (const key of keys) expect(translator(language)(key)).toBe(messages[key]);
    }
  });
});

describe('frame sizes kept by subject', () => {
  it('equal a frame built for the subject, asked again and again, for every set of parts', async () => {
    const subjects = ['', ' ', 'Week 48', 'Grüße aus Köln', `${'Long subject '.repeat(12)}é`, '😀'.repeat(40)];
    const framed = [
      { html: true, text: true },
      { html: true, text: false },
      { html: false, text: true },
    ];
    const sized = await Promise.all(framed.map((parts) => subjectFrames(parts)));
    for (let round = 0; round < 2; round++) {
      for (const [which, parts] of framed.entries()) {
        for (const subject of subjects) {
          const whole = await messageFrame({ subject, html: parts.html ? '.' : '', text: parts.text ? '.' : '' });
          expect(sized[which]!(subject)).toBe(whole);
        }
      }
    }
  });
});

describe('kept answers of small helpers', () => {
  it('name the shipped language of a tag whatever fallback was asked for before', () => {
    expect(languageOf('fr-FR', 'de')).toBe('de');
    expect(languageOf('fr-FR')).toBe('en');
    expect(languageOf('DE-at', 'en')).toBe('de');
    expect(languageOf('de-AT', 'en')).toBe('de');
    expect(languageOf('', 'de')).toBe('de');
    expect(languageOf(undefined, 'de')).toBe('de');
  });

  it('give the plural form Intl gives, for kept counts and the rest', () => {
    for (const language of LANGUAGES) {
      const rules = new Intl.PluralRules(language);
      for (const count of [0, 1, 2, 5, 21, 999, 1000, 1001, 1.5, -1, 101]) {
        for (let round = 0; round < 2; round++) {
          expect(pluralForm(language, count)).toBe(rules.select(count) === 'one' ? 'one' : 'other');
        }
      }
    }
  });
});
