import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createWeekLineCache } from '../../src/render/dates.js';
import { fieldFiller } from '../../src/render/fill.js';
import { longestBytes, longestReader, longestRoom } from '../../src/render/personal-room.js';
import { quietRoleSets } from '../../src/render/quiet-room.js';
import type { PersonalFields } from '../../src/render/types.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The size gate makes room for the longest readers' values in every role set. Their names and links
 * are the same in each: only the "sent to" line, which names the role set's roles, is worked out
 * per role set, and the room must be what filling every value of every longest reader gives.
 */

const project = fixtureProject({ config: { urls: { archive: 'https://news.example/archive' } } as never });
const { summaries, manifest } = project.issue;
const order = effectiveRoleOrder(summaries, manifest.roleOrder);
const variants = [
  buildVariant(summaries, order, undefined),
  buildVariant(summaries, order, ['CTO']),
  buildVariant(summaries, order, ['Executive', 'CTO']),
  { ...buildVariant(summaries, order, ['CTO']), isEditorEdition: true },
];
const longest: PersonalFields[] = [
  longestReader(project.config, project.issue.id, 'key'),
  { ...longestReader(project.config, project.issue.id, 'key'), email: 'zoë@bücher.example', roles: ['CTO', 'Gärtner'] },
];
const roleNames = ['Nachtschwärmer und Frühaufsteher', 'Gärtner', 'Night Owl', 'Архитектор', 'CTO'];

describe('room for the longest readers', () => {
  it('is what every value of every longest reader gives, in each role set and language', () => {
    const dateLine = createWeekLineCache(manifest.date);
    const room = longestRoom(longest, fieldFiller(project.config, project.issue.id, dateLine));
    const reference = fieldFiller(project.config, project.issue.id, dateLine);
    for (const language of ['en', 'de'] as const) {
      for (const variant of variants) {
        for (const names of [roleNames, undefined]) {
          const quietSets = quietRoleSets(variant, names);
          const values = longest.flatMap((reader) =>
            (quietSets.length ? quietSets : [reader.roles]).map((roles) =>
              reference({ ...reader, roles }, language, variant),
            ),
          );
          expect(room(language, variant, quietSets)).toEqual(longestBytes(values));
        }
      }
    }
  });

  it('fills the longest readers whole once per language, not once per role set', () => {
    const dateLine = createWeekLineCache(manifest.date);
    const filler = fieldFiller(project.config, project.issue.id, dateLine);
    let whole = 0;
    const counted = Object.assign((...args: Parameters<typeof filler>) => {
      whole++;
      return filler(...args);
    }, filler);
    const room = longestRoom(longest, counted);
    for (let round = 0; round < 50; round++) {
      for (const language of ['en', 'de'] as const) {
        for (const variant of variants) room(language, variant, quietRoleSets(variant, roleNames));
      }
    }
    expect(whole).toBe(2 * longest.length);
  });

  it('measures the address of a "sent to" line once, not written into a new line for every role set', () => {
    const dateLine = createWeekLineCache(manifest.date);
    const filler = fieldFiller(project.config, project.issue.id, dateLine);
    let lines = 0;
    const whole = filler.sentTo;
    const counted = Object.assign(filler, {
      sentTo: (...args: Parameters<typeof whole>) => {
        lines++;
        return whole(...args);
      },
    });
    const room = longestRoom(longest, counted);
    const sets = [['CTO'], ['Executive'], ['Executive', 'CTO'], ['Architect', 'Data'], ['Product', 'Data', 'CTO']];
    for (const language of ['en', 'de'] as const) {
      for (const roles of sets) {
        const variant = buildVariant(summaries, order, roles);
        room(language, variant, quietRoleSets(variant, roleNames));
        room(language, variant, []);
      }
    }
    expect(lines).toBe(0);
  });

  it('gives each reader the "sent to" line their values hold', () => {
    const filler = fieldFiller(project.config, project.issue.id, createWeekLineCache(manifest.date));
    for (const variant of variants) {
      for (const reader of longest) {
        for (const roles of [undefined, ['CTO'], ['CTO', 'Gärtner', 'Night Owl', 'Architekt', 'Data']]) {
          const fields = { ...reader, roles };
          expect(filler.sentTo(fields, 'de', variant)).toBe(filler(fields, 'de', variant).sentTo);
        }
      }
    }
  });
});
