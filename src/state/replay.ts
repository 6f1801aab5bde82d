import { readUnrecorded, setUnrecordedAside, unrecordedEntry, unrecordedFileOf } from '../send/state-loss.js';
import type { LedgerEntry, StateStore } from './contract.js';

/**
 * `replayUnrecorded` for any backend: the messages a stopped run listed in its side file are
 * recorded as sent (one batch per issue and channel), then the file is renamed aside. A crash in
 * between records them again on the next run, which only adds to their attempt counts.
 */
export async function replayUnrecordedInto(
  store: Pick<StateStore, 'ledger'>,
  base: string,
  now: () => Date,
): Promise<{ unrecorded: number; unrecordedFile: string | undefined }> {
  const file = unrecordedFileOf(base);
  const entries = readUnrecorded(base);
  if (entries.length === 0) return { unrecorded: 0, unrecordedFile: undefined };
  const groups = new Map<
    string,
    { issueId: string; channel: (typeof entries)[number]['channel']; rows: LedgerEntry[] }
  >();
  for (const e of entries) {
    const key = JSON.stringify([e.issueId, e.channel]);
    const group = groups.get(key) ?? { issueId: e.issueId, channel: e.channel, rows: [] };
    group.rows.push(unrecordedEntry(e, file));
    groups.set(key, group);
  }
  for (const group of groups.values()) await store.ledger(group.issueId, group.channel, now).recordMany(group.rows);
  setUnrecordedAside(base, now());
  return { unrecorded: entries.length, unrecordedFile: file };
}
