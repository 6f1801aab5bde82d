import { describe, expect, it } from 'vitest';
import { addressProblem } from '../../src/address.js';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { LIMITS } from '../../src/load/limits.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { readerFields } from '../../src/render/fields.js';
import { createRenderer } from '../../src/render/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { fixtureProject } from './_fixtures.js';

/**
 * What the size gate counts for a reader's own values must cover every reader the list accepts,
 * with the links a send gives them: the unsubscribe and preferences links carry the address,
 * signed; the greeting closes the isolates a name leaves open; an address with a domain written
 * outside ASCII is 254 octets only in its ASCII form.
 */

// 64 octets before the @ (32 letters of two bytes each), 254 in all.
const longAddress = `${'é'.repeat(32)}@${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(57)}.example`;
// Four labels of 55 characters, each 62 in ASCII: 253 octets as SMTP counts them, 665 as written.
const longUnicode = `q@${Array.from({ length: 4 }, () => '龍'.repeat(55)).join('.')}`;
const longName = '龍'.repeat(LIMITS.nameLength);
const openIsolates = '\u2066'.repeat(LIMITS.nameLength);

async function compileCto(sizeLimitKb: number) {
  const project = fixtureProject({ config: { sizeLimitKb, sizeWarnKb: sizeLimitKb } });
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
  return { project, compiled: await (await createRenderer(project)).compile(variant) };
}

const sizeErrors = (compiled: { problems: { severity: string; message: string }[] }) =>
  compiled.problems.filter((p) => p.severity === 'error' && /KB limit/.test(p.message));

describe('the size gate and the values a send fills in for each reader', () => {
  it.each([
    ['a long name and an address of 254 octets, in the signed links too', { email: longAddress, firstName: longName }],
    ['a first name of isolates the greeting closes', { email: 'ada@example.com', firstName: openIsolates }],
    ['an address whose domain is written outside ASCII', { email: longUnicode }],
    ['all of them', { email: longUnicode, firstName: openIsolates }],
  ])('refuses a variant that %s takes past the limit', async (_, reader) => {
    expect(addressProblem(reader.email)).toBeUndefined();
    const { project, compiled } = await compileCto(1000);
    // As a send fills a reader in: links signed for their address.
    const links = personalLinks(project.config, 'a-secret', project.issue.id, reader.email);
    const message = compiled.personalise(readerFields(links, { ...reader, roles: ['CTO'] }));
    const bytes = (await encodedSizes(message)).htmlBytes;
    expect(bytes).toBeGreaterThan(compiled.encodedHtmlBytes);
    // A limit that reader's message is just over: the gate must refuse the variant.
    const gated = await compileCto((bytes - 1) / 1024);
    expect(sizeErrors(gated.compiled)).toHaveLength(1);
  });
});
