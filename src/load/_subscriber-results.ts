import type { Problem } from '../errors.js';
import type { Subscriber } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import { LIMITS, tooLarge } from './limits.js';

export interface SubscribersLoadResult {
  subscribers: Subscriber[];
  problems: Problem[];
}

/** The same, with the readers kept as a compact table (what a send of a large list holds). */
export interface SubscriberTableResult {
  table: SubscriberTable;
  problems: Problem[];
}

export const listed = ({ table, problems }: SubscriberTableResult): SubscribersLoadResult => ({
  subscribers: table.toArray(),
  problems,
});

export const tooBig = (file: string, size: number): SubscriberTableResult => ({
  table: new SubscriberTable(),
  problems: [tooLarge(file, size, LIMITS.subscriberListBytes)],
});

/** A file that cannot be read as a list at all: one error, no subscribers. */
export function rejected(
  file: string,
  line: number | undefined,
  field: string,
  message: string,
  hint: string,
): SubscriberTableResult {
  return {
    table: new SubscriberTable(),
    problems: [{ severity: 'error', file, ...(line === undefined ? {} : { line }), field, message, hint }],
  };
}
