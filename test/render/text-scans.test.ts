import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { sizeCounts } from '../../src/render/gates.js';
import { normaliseText } from '../../src/render/renderer.js';
import { buildView, palette } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/** The scans as first written, with regular expressions over the whole text. */
function referenceCounts(html: string) {
  const escaped = html.match(/[^\t\n\x20-\x3c\x3e-\x7e]/g)?.length ?? 0;
  const breaks = html.match(/\n/g)?.length ?? 0;
  return { length: html.length, escaped, breaks };
}

function referenceNormalise(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim()}\n`;
}

// Characters the scans treat apart: spaces, tabs, every line terminator, '=', controls, non-ASCII.
const tricky = fc.constantFrom(' ', '\t', '\n', '\r', '\u2028', '\u2029', '=', '<', 'a', '\u0000', '\u007f', 'é', '😀');
const texts = fc.array(fc.oneof(tricky, fc.string({ maxLength: 4 })), { maxLength: 60 }).map((parts) => parts.join(''));

describe('text scans', () => {
  it('count what quoted-printable escapes and the line breaks as the regular expressions do', () => {
    fc.assert(
      fc.property(texts, (html) => {
        expect(sizeCounts(html)).toEqual(referenceCounts(html));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalise plain text as the regular expressions do, with trailing spaces before any line terminator', () => {
    expect(normaliseText('a \r\nb\t\u2028c  \u2029d \n\n\n\n\ne ')).toBe(
      referenceNormalise('a \r\nb\t\u2028c  \u2029d \n\n\n\n\ne '),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(normaliseText(text)).toBe(referenceNormalise(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('share one frozen palette and label set between views, so no view can change another', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const view = (roles: string[]) =>
      buildView(project.config, project.taxonomy, project.issue, buildVariant(summaries, order, roles));
    const one = view([order[0]!]);
    const two = view([order[1]!]);
    expect(one.colours).toBe(two.colours);
    expect(one.labels).toBe(two.labels);
    expect(Object.isFrozen(one.colours) && Object.isFrozen(one.labels)).toBe(true);
    expect(one.colours).toEqual(palette(project.config.brand));
  });
});
