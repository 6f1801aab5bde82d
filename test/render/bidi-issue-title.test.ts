import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { IssueManifestSchema } from '../../src/model/issue.js';
import { createRenderer } from '../../src/render/index.js';
import { fixtureProject, SAMPLE_READERS } from './_fixtures.js';

/**
 * The issue's own title reaches the subject ({{title}}) and the header as a story's title does: an
 * isolate it leaves open would turn round the rest of the subject ("· Week 48").
 */

const RLI = '\u2067';
const PDI = '\u2069';

function openIsolates(text: string): number {
  let open = 0;
  for (const char of text) {
    if (char >= '\u2066' && char <= '\u2068') open++;
    else if (char === PDI && open > 0) open--;
  }
  return open;
}

describe('an issue title that leaves an isolate open', () => {
  it('is closed at its end when the issue is read; one written closed is kept as written', () => {
    const read = (title: string) =>
      IssueManifestSchema.parse({ subject: '{{title}}', date: '2026-11-26', summaries: ['a.txt'], title }).title;
    expect(read(`${RLI}نشرة الفريق`)).toBe(`${RLI}نشرة الفريق${PDI}`);
    expect(read(`Notes ${RLI}نشرة${PDI} weekly`)).toBe(`Notes ${RLI}نشرة${PDI} weekly`);
  });

  it('leaves the rest of the subject as written', async () => {
    const manifest = IssueManifestSchema.parse({
      subject: '{{title}} · Week {{week}}',
      date: '2026-11-26',
      summaries: ['one.txt', 'two.txt'],
      title: `${RLI}نشرة الفريق`,
    });
    const project = fixtureProject({ manifest });
    const { summaries } = project.issue;
    const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder ?? []), ['CTO']);
    const compiled = await (await createRenderer(project)).compile(variant);
    const message = compiled.personalise(SAMPLE_READERS[0]!);
    expect(message.subject).toContain(`${RLI}نشرة الفريق${PDI} · Week 48`);
    expect(openIsolates(message.subject)).toBe(0);
  });
});
