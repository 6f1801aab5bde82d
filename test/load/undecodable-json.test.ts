import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSubscribers, parseSubscribers } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A JSON list written in Latin-1 (a name with "ü" as one byte) reads as UTF-8 with U+FFFD where the
 * byte was: the reader's name is lost. Said once, as for a CSV list, by the streamed and whole readers.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-fffd-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const latin1List = Buffer.concat([
  Buffer.from(
    '[\n  {"email": "ann@example.com", "name": "Ann", "roles": ["CTO"]},\n  {"email": "j@example.com", "name": "J',
  ),
  Buffer.from([0xfc]),
  Buffer.from('rgen", "roles": ["CTO"]},\n  {"email": "k@example.com", "name": "K'),
  Buffer.from([0xe4]),
  Buffer.from('the", "roles": ["CTO"]}\n]\n'),
]);

it('warns once, at the first name holding U+FFFD, streamed and read whole', async () => {
  const file = join(dir, 'list.json');
  await writeFile(file, latin1List);
  const streamed = await loadSubscribers(file, taxonomy);
  const whole = parseSubscribers(latin1List.toString('utf8'), 'list.json', taxonomy);
  for (const result of [streamed, whole]) {
    const lines = result.problems.map(formatProblem);
    expect(lines).toEqual([expect.stringMatching(/list\.json:3: warning: \[1\]\.name: holds U\+FFFD/)]);
    expect(result.subscribers).toHaveLength(3);
  }
});

it('says nothing of a list written in UTF-8', async () => {
  const text = latin1List.toString('latin1');
  expect(parseSubscribers(text, 'list.json', taxonomy).problems).toEqual([]);
});
