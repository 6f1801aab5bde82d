import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { createFieldTokens, type FieldValues } from '../../src/render/_personal.js';
import { minifyHtml } from '../../src/render/minify.js';
import { compileMjml } from '../../src/render/mjml.js';
import { createPieceGates } from '../../src/render/piece-gates.js';
import { createPieceCompiler } from '../../src/render/pieces.js';
import { createSetFrames, type FilledVariant, type GateSegment } from '../../src/render/set-frames.js';
import { createSplicedTemplates } from '../../src/render/splice.js';
import { loadTemplates } from '../../src/render/templates.js';
import { buildView, createSharedViews } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { gateValues } from './_fixtures.js';

/**
 * A class's own segments between its sections are the same in every role set of the class: a
 * stretch of them without lines or list blocks reaches the gates as one array, the same for every
 * role set, so the gates add it up once, and a role set's gates are the same as with its segments
 * handed over one by one.
 */

const FILE = 'issues/2026-W48/issue.json';

describe('a class segments between its sections', () => {
  it('reach the gates as arrays shared by its role sets, with the gates of its segments one by one', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const { config, taxonomy, issue } = project;
    const templates = await loadTemplates(config.templatesDir);
    const tokens = createFieldTokens('5e75ea75');
    const pieces = createPieceCompiler((source) => compileMjml(source, templates), 'a1b2c3');
    const spliced = createSplicedTemplates(templates, 'd4e5f6');
    const frames = createSetFrames({
      spliced,
      pieces,
      nonce: '0a0b0c',
      ordinary: async (view) => {
        const split = spliced.html(view);
        const result = split ? await pieces.compileSplit(split) : await pieces.compile(templates.renderHtml(view));
        return result.segments ?? minifyHtml(result.html);
      },
    });
    const shared = createSharedViews();
    const order = effectiveRoleOrder(issue.summaries, issue.manifest.roleOrder ?? []);
    const single = order.map((role) => [role]);
    // Role sets of one section each (one class), each twice: a role set met again is put together
    // from its class's gaps and kept sections.
    const filled: FilledVariant[] = [];
    for (const roles of [...single, ...single]) {
      const variant = buildVariant(issue.summaries, order, roles);
      const view = buildView(config, taxonomy, issue, variant, tokens.sentinel, { shared });
      const result = await frames.compile(view);
      expect(result).toBeDefined();
      filled.push(result!);
    }
    expect(frames.stats.composed).toBeGreaterThanOrEqual(single.length);

    const later = filled.slice(single.length);
    const arrays = (variant: FilledVariant) => variant.gates.filter((each) => Array.isArray(each));
    // Every composed role set's gate arrays: its sections' runs and its class's own stretches,
    // these the same arrays in every role set of the class.
    const stretches = later.map((variant) => new Set(arrays(variant)));
    const common = [...stretches[0]!].filter((array) => stretches.every((set) => set.has(array)));
    expect(common.length).toBeGreaterThan(0);
    for (const variant of later) {
      const loose = variant.gates.filter((each) => typeof each === 'string').length;
      // Segments handed over one by one are those holding lines only; the rest come in arrays.
      expect(loose).toBeLessThan(variant.segments.length / 4);
    }

    const values = gateValues('');
    const flat = (gates: readonly GateSegment[]): GateSegment[] =>
      gates.flatMap((each): GateSegment[] => (Array.isArray(each) ? [...(each as readonly string[])] : [each]));
    for (const [k, variant] of later.entries()) {
      const byArrays = createPieceGates(tokens.split, FILE, tokens.sentinel)(variant.gates, values, `v${k}`);
      const bySegment = createPieceGates(tokens.split, FILE, tokens.sentinel)(flat(variant.gates), values, `v${k}`);
      expect(byArrays).toEqual(bySegment);
    }
  }, 240_000);
});

describe('gates of a run with fields between segments without', () => {
  const tokens = createFieldTokens('feed5eed');
  const { sentinel } = tokens;
  const values = (clickVariant: string): FieldValues => ({ ...gateValues(clickVariant), greetingName: 'Ana & Bo' });
  const run = [
    '<a href="javascript:void(0)">first</a>',
    '<p>ünï</p>',
    `<p>Hello ${sentinel.greetingName}</p>`,
    '<img src="https://t.example/a.png">',
    `<a href="https://t.example/c/1?v=${sentinel.clickVariant}">one</a>`,
    '<a href="javascript:void(1)">second</a>',
    `<p>${sentinel.sentTo}</p>`,
  ];

  for (const click of ['', 'Y3Rv.abc', 'a&b"<x>']) {
    it(`give the gates of its segments one by one, problems in order, for the click value "${click}"`, () => {
      const byRun = createPieceGates(tokens.split, FILE, sentinel);
      const bySegment = createPieceGates(tokens.split, FILE, sentinel);
      for (const variantId of ['v1', 'v2']) {
        const got = byRun([run, ...run], values(click), variantId);
        const expected = bySegment([...run, ...run], values(click), variantId);
        expect(got).toEqual(expected);
        expect(got.links.map((p) => p.message)).toEqual(expected.links.map((p) => p.message));
        expect(got.links.length).toBe(4);
      }
    });
  }
});
