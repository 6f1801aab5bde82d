import { describe, expect, it } from 'vitest';
import { withSubscribers } from '../../src/load/project.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { readerFields } from '../../src/render/fields.js';
import { compileAudience } from '../../src/render/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { fixtureProject } from './_fixtures.js';

/**
 * With the list known, the size gate counts room for the list's own longest name and addresses,
 * not for the longest the list format accepts: an issue no reader on the list would get past the
 * limit is not refused for a reader who is not on it. The editor copy is compiled without the cut to
 * headlines (headline-cut.ts), so the gate's verdict shows.
 */

// Text that neither HTML escaping nor quoted-printable lengthens.
const story = (id: number, repeats: number) => `Story ${id} says warm pools end cold starts. `.repeat(repeats);

/** The editor edition of ten stories of `repeats` sentences each, with `subscribers` as the list. */
async function editorCopy(repeats: number, subscribers: Subscriber[] | undefined) {
  const summaries = Array.from({ length: 10 }, (_, i) => ({
    id: `s${i}`,
    roles: ['CTO'],
    url: `https://example.com/${i}`,
    summary: story(i, repeats),
  }));
  const project = withSubscribers(fixtureProject({ summaries }), subscribers);
  const [editor] = (await compileAudience(project, [], { headlines: false })).values();
  return editor!;
}

const reader = (i: number, fields: Partial<Subscriber> = {}): Subscriber => ({
  email: `reader.${i}@example.com`,
  name: `Ada Lovelace ${i}`,
  roles: ['CTO'],
  status: 'active',
  ...fields,
});
const ordinaryList = Array.from({ length: 1000 }, (_, i) => reader(i));

const sizeErrors = (compiled: { problems: { severity: string; message: string }[] }) =>
  compiled.problems.filter((p) => p.severity === 'error' && /KB limit/.test(p.message)).map((p) => p.message);

describe('the size gate’s room with the list known', () => {
  it('passes an issue of about 95 KB for a list of ordinary names that the longest values accepted would tip over', async () => {
    const unknownList = await editorCopy(132, undefined);
    const sampleKb = unknownList.encodedHtmlBytes / 1024;
    expect(sampleKb).toBeGreaterThan(94);
    expect(sampleKb).toBeLessThan(96);
    expect(sizeErrors(unknownList)).toEqual([
      expect.stringMatching(
        /over the 100 KB limit .*counting 7\.\d KB for a reader's own name, address and roles with nothing this week at their longest/,
      ),
    ]);

    const known = await editorCopy(132, ordinaryList);
    expect(known.encodedHtmlBytes).toBe(unknownList.encodedHtmlBytes);
    expect(sizeErrors(known)).toEqual([]);
  });

  it('refuses the issue when one reader on the list has a name of 200 characters outside ASCII', async () => {
    // About 99.1 KB: under the limit for the ordinary names, over it with 1.8 KB more for one name.
    const ordinary = await editorCopy(140, ordinaryList);
    const sampleKb = ordinary.encodedHtmlBytes / 1024;
    expect(sampleKb).toBeGreaterThan(98.2);
    expect(sampleKb).toBeLessThan(99.5);
    expect(sizeErrors(ordinary)).toEqual([]);

    const longName = await editorCopy(140, [...ordinaryList, reader(1000, { name: '龍'.repeat(200) })]);
    expect(sizeErrors(longName)).toEqual([
      expect.stringMatching(
        /over the 100 KB limit .*counting 1\.\d KB for a reader's own name, address and roles with nothing this week at their longest/,
      ),
    ]);
    // The room is the list's: its longest name, not the longest a name may be.
    expect(sizeErrors(longName)[0]).not.toMatch(/counting 7\.\d KB/);
  });

  it('measures no less than the largest message a reader on the list gets', async () => {
    const readers = [
      ...ordinaryList.slice(0, 20),
      reader(1, { name: undefined, email: `${'q'.repeat(64)}@${'a'.repeat(61)}.example` }),
      reader(2, { name: 'Dr. J.', email: "o'brien&co@example.com" }),
      reader(3, { firstName: '\u2066Zoë', email: 'ada@bücher.example' }),
      reader(4, { name: 'Baker, Łukasz-Grzegorz' }),
    ];
    const project = withSubscribers(
      fixtureProject({ config: { sizeWarnKb: 1, greetingFallback: 'Ö'.repeat(150) } }),
      readers,
    );
    const [editor] = (await compileAudience(project, [])).values();
    // Under the warning threshold of 1 KB, the message says the size measured, room included.
    const warning = editor!.problems.find((p) => /warning threshold/.test(p.message))!.message;
    const measuredKb = Number(/HTML is ([\d.]+) KB/.exec(warning)![1]);
    let largest = 0;
    for (const subscriber of readers) {
      const links = personalLinks(project.config, 'a-secret', project.issue.id, subscriber.email);
      const message = editor!.personalise(readerFields(links, subscriber));
      largest = Math.max(largest, (await encodedSizes(message)).htmlBytes);
    }
    expect(largest / 1024).toBeLessThanOrEqual(measuredKb + 0.05);
    // The room is the list's own: far less than the 7.4 KB counted for the longest values accepted.
    expect(measuredKb - editor!.encodedHtmlBytes / 1024).toBeLessThan(2);
  });
});
