import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { LIMITS } from '../../src/load/limits.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { createRenderer, type PersonalFields } from '../../src/render/index.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The size gate measures a sample reader; the greeting's name and the "sent to" address are each
 * reader's own. A reader whose first name and address are as long as the list accepts must not get
 * a message past the limit the gate passed.
 */

// A first name at the limit, in characters that take three UTF-8 bytes, nine once encoded.
const longestName = '龍'.repeat(LIMITS.nameLength);
// An address of 254 octets: 64 before the @, a domain of labels to make up the rest.
const longestAddress = `${'q'.repeat(64)}@${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(57)}.example`;

const reader = (fields: Partial<PersonalFields>): PersonalFields => ({
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  roles: ['CTO'],
  unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
  preferencesUrl: 'https://test.example/preferences?token=abc',
  ...fields,
});

async function compileCto(sizeLimitKb: number) {
  const project = fixtureProject({ config: { sizeLimitKb, sizeWarnKb: sizeLimitKb } });
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
  return (await createRenderer(project)).compile(variant);
}

async function htmlBytesFor(compiled: Awaited<ReturnType<typeof compileCto>>, fields: PersonalFields) {
  const message = compiled.personalise(fields);
  return (await encodedSizes(message)).htmlBytes;
}

const sizeErrors = (compiled: Awaited<ReturnType<typeof compileCto>>) =>
  compiled.problems.filter((p) => p.severity === 'error' && /KB limit/.test(p.message));

describe('the size gate and a reader’s own name and address', () => {
  it('refuses a variant that a reader of the longest name would get past the limit', async () => {
    const measured = await compileCto(1000);
    expect(sizeErrors(measured)).toEqual([]);
    const sample = measured.encodedHtmlBytes;
    const longest = await htmlBytesFor(measured, reader({ firstName: longestName }));
    // The name adds far more than the margin between the limit and where Gmail clips.
    expect(longest - sample).toBeGreaterThan(1500);

    // A limit the sample reader's message is under, and the long-named reader's over.
    const limitKb = (sample + 500) / 1024;
    expect(longest).toBeGreaterThan(limitKb * 1024);
    const gated = await compileCto(limitKb);
    expect(gated.encodedHtmlBytes).toBeLessThan(limitKb * 1024);
    const [error] = sizeErrors(gated);
    expect(error?.message).toMatch(
      /over the [\d.]+ KB limit .*counting [\d.]+ KB for a reader's own name, address and roles with nothing this week at their longest/,
    );
  });

  it('leaves room for no more than the longest name, address and quiet roles together', async () => {
    const measured = await compileCto(1000);
    const sample = measured.encodedHtmlBytes;
    expect(Buffer.byteLength(longestAddress)).toBe(254);
    const longest = await htmlBytesFor(measured, reader({ firstName: longestName, email: longestAddress }));
    // At the very size of that reader's message, the gate refuses it; with 11 KB to spare (room for
    // a name of isolates, a domain written outside ASCII and the signed links as well, and three
    // roles of 100 wide characters in the footer's "Nothing this week for"), it passes.
    expect(sizeErrors(await compileCto(longest / 1024))).toHaveLength(1);
    expect(sizeErrors(await compileCto((sample + 11 * 1024) / 1024))).toEqual([]);
  });
});
