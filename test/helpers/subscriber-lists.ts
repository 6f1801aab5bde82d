import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import {
  parseSubscribers,
  parseSubscribersCsv,
  readSubscriberCsvStream,
  readSubscriberStream,
} from '../../src/load/subscribers.js';
import type { RoleTaxonomy } from '../../src/roles/taxonomy.js';

type ReadResult = { problems: Parameters<typeof formatProblem>[0][]; subscribers: { email: string; status: string }[] };

/** What an editor sees of a list: its errors as printed, and each reader read with their status. */
export const shownList = (result: ReadResult) => ({
  errors: result.problems.filter((p) => p.severity === 'error').map(formatProblem),
  readers: result.subscribers.map((s) => s.email),
  statuses: result.subscribers.map((s) => s.status),
});

/** A CSV list read whole and streamed: the same answer both ways, returned once. */
export async function readCsvBothWays(text: string, file: string, taxonomy: RoleTaxonomy) {
  const whole = shownList(parseSubscribersCsv(text, file, taxonomy));
  const streamed = await readSubscriberCsvStream(Readable.from([Buffer.from(text)]), file, taxonomy);
  expect(shownList(streamed)).toEqual(whole);
  return whole;
}

/** A JSON list read whole and streamed: the same answer both ways, returned once. */
export async function readJsonBothWays(text: string, file: string, taxonomy: RoleTaxonomy) {
  const whole = shownList(parseSubscribers(text, file, taxonomy));
  const streamed = await readSubscriberStream(Readable.from([Buffer.from(text)]), file, taxonomy, async () => text);
  expect(shownList(streamed)).toEqual(whole);
  return whole;
}
