import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PICKED_FILE } from './issue.js';

/** What `new` left out of an issue for its size, as its record (picked.json) keeps it. */
export interface SizeTrimNote {
  limitKb: number;
  measuredKb: number;
  leftOut: { id: string; roles: string[] }[];
}

/**
 * Why each role the size trim emptied has nothing, by role: `check` and the preview show it where
 * the role appears as uncovered, since the issue itself no longer names what was given up. Empty
 * when `new` trimmed nothing, or the issue has no record. Read whole and small: a few ids.
 */
export function sizeTrimReasons(
  issueDir: string,
  /** Today's name for a role (roles.yaml): a role renamed since `new` ran is shown under its new name. */
  normalise: (role: string) => string = (role) => role,
): Map<string, string> {
  const reasons = new Map<string, string>();
  const note = readNote(issueDir);
  if (!note) return reasons;
  const leftOut = note.leftOut.map((entry) => ({ id: entry.id, roles: entry.roles.map(normalise) }));
  for (const role of new Set(leftOut.flatMap((entry) => entry.roles))) {
    const ids = leftOut.filter((entry) => entry.roles.includes(role)).map((entry) => `pool:${entry.id}`);
    reasons.set(
      role,
      `new left out ${ids.join(', ')} for size: with ${ids.length === 1 ? 'it' : 'them'} the issue measured ${note.measuredKb.toFixed(1)} KB, over the ${note.limitKb} KB limit`,
    );
  }
  return reasons;
}

function readNote(issueDir: string): SizeTrimNote | undefined {
  try {
    const value = JSON.parse(readFileSync(join(issueDir, PICKED_FILE), 'utf8').replace(/^\uFEFF/, '')) as {
      sizeTrim?: Partial<SizeTrimNote>;
    };
    const note = value?.sizeTrim;
    if (typeof note?.limitKb !== 'number' || typeof note.measuredKb !== 'number' || !Array.isArray(note.leftOut))
      return undefined;
    const leftOut = note.leftOut.filter(
      (entry) =>
        typeof entry?.id === 'string' && Array.isArray(entry.roles) && entry.roles.every((r) => typeof r === 'string'),
    );
    return { limitKb: note.limitKb, measuredKb: note.measuredKb, leftOut };
  } catch {
    return undefined;
  }
}
