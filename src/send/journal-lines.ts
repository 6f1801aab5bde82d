/**
 * Reading the lines of an unsubscribe journal that did not parse. Each whole line was fsynced before
 * its reader was told "done", so a line that does not read is either a write cut short (never
 * answered) or damage to a line that was answered. Whichever it is, a whole address in it is still
 * suppressed: mailing a reader who unsubscribed is the harm to avoid, not one unsubscribe too many.
 */

/** What a line that did not parse still says, and whether it can be passed over safely. */
export type DamagedLine =
  | { kind: 'address'; emails: string[]; reason: string | undefined }
  | { kind: 'cut-short' }
  | { kind: 'damaged' };

// The start of every line rolecast writes (JSON.stringify puts the address first).
const LINE_START = '{"email":"';
// Bytes a write of ours never holds: control characters, and what invalid UTF-8 decodes to.
const FOREIGN = /[\u0000-\u001f\u007f\ufffd]/;

export function readDamagedLine(line: string): DamagedLine {
  const emails = addressesIn(line);
  if (emails.length > 0) return { kind: 'address', emails, reason: stringField(line, 'reason') };
  // A write cut short is the start of a line as written: nothing foreign in it. A tail of NUL bytes
  // is a write whose data never reached the disk (a file grown by a crash), also never answered.
  if (/^\u0000+$/.test(line)) return { kind: 'cut-short' };
  if (LINE_START.startsWith(line) || (line.startsWith(LINE_START) && !FOREIGN.test(line))) return { kind: 'cut-short' };
  return { kind: 'damaged' };
}

/**
 * Every address written whole in a line, in order, each once: two lines merged by damage (the start
 * of one run into another) or a line holding the field twice name two readers, and JSON.parse and a
 * first match would each keep only one of them. Each `"email"` is read where it stands, also where
 * its opening quote closes the string before it.
 */
export function addressesIn(line: string): string[] {
  const found: string[] = [];
  for (let at = line.indexOf('"email"'); at !== -1; at = line.indexOf('"email"', at + 1)) {
    const email = stringField(line.slice(at), 'email');
    if (email?.includes('@') && !found.includes(email)) found.push(email);
  }
  return found;
}

/** A string field read whole from a line that is not JSON as a whole, or undefined. */
function stringField(line: string, name: string): string | undefined {
  const match = new RegExp(`"${name}"\\s*:\\s*("(?:[^"\\\\\\u0000-\\u001f]|\\\\.)*")`).exec(line);
  if (!match) return undefined;
  try {
    const value: unknown = JSON.parse(match[1]!);
    return typeof value === 'string' && !FOREIGN.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a send says of journal lines it applied around: where each is, and what became of it. */
export function journalLineNotes(result: {
  cutShort?: readonly { file: string; line: number }[];
  readAround?: readonly { file: string; line: number }[];
}): string[] {
  const notes: string[] = [];
  for (const { file, line } of result.readAround ?? [])
    notes.push(
      `warning: line ${line} of the unsubscribe journal ${file} was damaged; the address in it was read and is suppressed`,
    );
  for (const { file, line } of result.cutShort ?? [])
    notes.push(
      `warning: line ${line} of the unsubscribe journal ${file} was cut short before its address ended (a write stopped by a crash or a full disk, never answered as done) and was passed over`,
    );
  return notes;
}
