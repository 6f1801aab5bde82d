import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';
import { readerRolesRead } from '../roles/reader-roles.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { describeLocation, type StateLocation } from '../state/location.js';
import { readStoredReadersAt, readSuppressionCheckerAt } from '../state/read-at.js';
import { storeAudience } from '../store/index.js';
import { displayPath } from './_display.js';
import { loadSubscriberTable } from './subscribers.js';

/** The roles the readers a send would mail hold, and where they were read. */
export interface HeldRoles {
  /** `FILE` for a subscribers file, the state file or database for the store. */
  source: string;
  readers: number;
  /** Today's role names (read through roles.yaml), each with how many readers hold it. */
  roles: Map<string, number>;
}

/**
 * Reads who holds which role from the same source a send reads: the subscribers file when one is
 * given, else the readers of the subscriber store. Only role sets are kept (a list is streamed into
 * its compact table, never an object per reader); a reader the suppression list names is never
 * mailed, so holds nothing. Undefined, with the reason, when no source has readers, the file does
 * not read or the state cannot be read: then nothing can be said about which roles are held.
 */
export async function readHeldRoles(input: {
  config: ResolvedConfig;
  subscribersFile?: string | undefined;
  location: StateLocation;
  taxonomy: RoleTaxonomy;
  cwd: string;
  now: Date;
}): Promise<{ held?: HeldRoles; why?: string; problems: Problem[] }> {
  const roles = new Map<string, number>();
  const count = (set: readonly string[], readers: number) => {
    // As a send reads them: known roles a stored reader holds joined in one ("CTO & CEO") are each.
    for (const role of readerRolesRead(set, input.taxonomy)) roles.set(role, (roles.get(role) ?? 0) + readers);
  };
  const where =
    input.location.kind === 'sqlite' ? displayPath(input.location.file, input.cwd) : describeLocation(input.location);
  // A suppressed reader is never mailed, so holds no role here. A state that cannot be read is the
  // send's to refuse: the week's issue is still written, picked for every role alike.
  let isSuppressed: (email: string) => boolean;
  try {
    isSuppressed = await readSuppressionCheckerAt(input.config, input.location);
  } catch (error) {
    return { why: unreadable(where, error), problems: [] };
  }
  if (input.subscribersFile) {
    const file = resolve(input.cwd, input.subscribersFile);
    const { table, problems } = await loadSubscriberTable(file, input.taxonomy);
    // A list send would refuse says nothing reliable about its readers.
    if (problems.some((p) => p.severity === 'error'))
      return { why: `${displayPath(file, input.cwd)} does not read (see above)`, problems };
    let readers = 0;
    for (const [set, n] of table.activeRoleSets(isSuppressed)) {
      count(set, n);
      readers += n;
    }
    return { held: { source: displayPath(file, input.cwd), readers, roles }, problems: [] };
  }
  let stored: Awaited<ReturnType<typeof readStoredReadersAt>>;
  try {
    stored = await readStoredReadersAt(input.location);
  } catch (error) {
    return { why: unreadable(where, error), problems: [] };
  }
  const audience = stored?.length ? storeAudience(stored, input.now).subscribers : [];
  const active = audience.filter((reader) => reader.status !== 'unsubscribed' && !isSuppressed(reader.email));
  if (active.length === 0)
    return {
      why: `no --subscribers file was given and the subscriber store (${where}) has no readers`,
      problems: [],
    };
  for (const reader of active) count(reader.roles, 1);
  return {
    held: { source: `the subscriber store (${where})`, readers: active.length, roles },
    problems: [],
  };
}

function unreadable(where: string, error: unknown): string {
  return `the state (${where}) could not be read: ${(error as Error).message}`;
}
