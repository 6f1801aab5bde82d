import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { createRenderer, type PersonalFields } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The footer names the reader's roles that had nothing this week. Only that reader's message holds
 * the line, and the size gate measures a sample reader: past three such roles it names two and
 * counts the rest, so a reader of dozens of long roles gets a message no larger than the gate's by
 * more than the margin between the size limit (100 KB) and where Gmail clips (about 102 KB).
 */

const reader = (roles: string[]): PersonalFields => ({
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  roles,
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
});

async function compileCto() {
  const project = fixtureProject();
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
  return (await createRenderer(project)).compile(variant);
}

const quiet = Array.from(
  { length: 63 },
  (_, i) => `Quiet role ${String(i).padStart(2, '0')} of a long name ${'x'.repeat(70)}`,
);

describe('the footer’s roles with nothing this week', () => {
  it('names two and counts the rest past three, in the HTML, the text and the template’s value', async () => {
    const compiled = await compileCto();
    const fields = reader(['CTO', ...quiet]);
    const { html, text } = compiled.personalise(fields);
    const line = `This email was sent to ada@example.com for CTO. Nothing this week for ${quiet[0]}, ${quiet[1]} and 61 more roles.`;
    expect(html).toContain(line);
    expect(text.replace(/\s+/g, ' ')).toContain(line);
    expect(compiled.template!(fields).values(fields).sentTo).toBe(line);
    expect(html).not.toContain(quiet[2]);
  });

  it('names up to three as before', async () => {
    const compiled = await compileCto();
    const { html } = compiled.personalise(reader(['CTO', 'Gardener', 'Night Owl', 'Baker']));
    expect(html).toContain('Nothing this week for Gardener, Night Owl, Baker.');
  });

  it('keeps the message of a reader of many long roles within 2 KB of the size the gate measured', async () => {
    const compiled = await compileCto();
    const message = compiled.personalise(reader(['CTO', ...quiet]));
    const sent = await encodedSizes({ subject: message.subject, html: message.html, text: message.text });
    expect(sent.htmlBytes - compiled.encodedHtmlBytes).toBeLessThan(2048);
  });
});
