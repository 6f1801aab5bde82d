import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { SummarySchema } from '../../src/model/summary.js';
import { createRenderer } from '../../src/render/index.js';
import { fixtureProject, SAMPLE_READERS } from './_fixtures.js';

/**
 * Isolates (U+2066–U+2068, closed by U+2069) stay in a story's text: right-to-left writing uses
 * them. One left open turns round whatever follows it up to the end of the line or block: the
 * closing quote and full stop of the lead line, the subject's "+ 2 more", the greeting's comma.
 */

const RLI = '\u2067';
const FSI = '\u2068';
const PDI = '\u2069';

/** Whether every isolate opened in `text` is closed before `end` (a tag, a line break) or the text's end. */
function balanced(text: string, end: RegExp): boolean {
  return text.split(end).every((run) => {
    let open = 0;
    for (const char of run) {
      if (char === RLI || char === FSI || char === '\u2066') open++;
      else if (char === PDI && open > 0) open--;
    }
    return open === 0;
  });
}

describe('isolates a story or a name leaves open', () => {
  it('are closed at the end of a title, a source and a topic; closed ones are kept as written', () => {
    const parsed = SummarySchema.parse({
      id: 'rollout',
      title: `Rollout ${RLI}plan for Q3 is set`,
      source: `${FSI}Field notes`,
      topics: [`${RLI}one ${FSI}two${PDI}`],
      summary: 'Text.',
      roles: ['CTO'],
    });
    expect(parsed.title).toBe(`Rollout ${RLI}plan for Q3 is set${PDI}`);
    expect(parsed.source).toBe(`${FSI}Field notes${PDI}`);
    expect(parsed.topics).toEqual([`${RLI}one ${FSI}two${PDI}${PDI}`]);
    const closed = `Plan ${RLI}שלום${PDI} ready`;
    expect(SummarySchema.parse({ id: 'a', title: closed, summary: 'T.', roles: ['CTO'] }).title).toBe(closed);
  });

  it('leave the rest of the subject, the lead line, the greeting and the text as written', async () => {
    const project = fixtureProject({
      summaries: [
        { id: 'rollout', roles: ['CTO'], title: `Rollout ${RLI}plan for Q3 is set`, url: 'https://example.com/r' },
        { id: 'budget', roles: ['CTO'], title: 'Budget review' },
      ],
      manifest: { subject: '{{lead}} · Week {{week}}' },
    });
    const { summaries, manifest } = project.issue;
    const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
    const compiled = await (await createRenderer(project)).compile(variant);
    const message = compiled.personalise({ ...SAMPLE_READERS[0]!, firstName: `Noa ${FSI}Levi` });
    expect(message.subject).toContain(RLI);
    expect(balanced(message.subject, /\n/)).toBe(true);
    expect(message.text).toContain(`Hi Noa ${FSI}Levi${PDI},`);
    expect(balanced(message.text, /\n/)).toBe(true);
    expect(message.html).toContain(`plan for Q3 is set${PDI}`);
    expect(balanced(message.html, /<[^>]*>/)).toBe(true);
  });
});
