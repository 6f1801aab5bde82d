import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { canonicalAddress } from '../address.js';
import { RolecastError } from '../errors.js';
import type { DkimSettings } from './dkim-key.js';
import { LocalWriteError } from './local-write-error.js';
import type { MailTransport } from './transport.js';
import { signEveryMessage } from './wire/dkim.js';
import { withdrawn } from './wire/pool.js';

/**
 * Writes each message as a `.eml` file: the built-in default, so everything can be tried without a
 * mail server. Temp file then rename: a crash never leaves half a message under the final name.
 */
export function createOutboxTransport(
  folder: string,
  options: { dkim?: DkimSettings | undefined } = {},
): MailTransport {
  const builder = signEveryMessage(
    nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
    options.dkim,
  );
  let counter = 0;
  return {
    kind: 'outbox',
    destination: folder,
    async verify() {
      try {
        await mkdir(folder, { recursive: true });
      } catch (cause) {
        throw new RolecastError(
          'E_INVALID',
          `the outbox folder ${folder} could not be created: ${(cause as Error).message}`,
          {
            hint: 'check the path given with --outbox (or the folder beside the config) and its permissions; nothing was sent',
            cause,
          },
        );
      }
    },
    async send(mail, gate) {
      const info = (await builder.sendMail(mail)) as { message: Buffer };
      // The last moment before the message is written: its reader may have left meanwhile.
      if (gate?.stillWanted?.() === false) throw withdrawn();
      const to = mail.envelope && typeof mail.envelope === 'object' ? String(mail.envelope.to) : String(mail.to);
      const file = join(folder, `${fileNameFor(to)}.eml`);
      const temp = `${file}.${process.pid}.${++counter}.tmp`;
      try {
        await writeFile(temp, info.message);
        await rename(temp, file);
      } catch (cause) {
        await rm(temp, { force: true }).catch(() => {});
        const reason = (cause as Error).message;
        throw new LocalWriteError(`the outbox folder ${folder} could not be written: ${reason}`, { cause });
      }
      return { response: `250 written to ${file}` };
    },
    async close() {
      builder.close();
    },
  };
}

/** Characters of an address kept in a file name: a valid address (up to 318) would pass NAME_MAX (255). */
const FILE_NAME_CHARS = 180;

/**
 * A file name from an address, with a hash when characters had to be replaced or cut. The hash
 * follows a `~`, which no name kept as written holds: `a'b@example.com` can never be written to
 * the file of an address spelt like its hashed name (`a_b@example.com-…`), so one reader's message
 * never replaces another's.
 */
export function fileNameFor(address: string): string {
  const lower = canonicalAddress(address);
  const safe = lower.replace(/[^a-z0-9@._+-]/g, '_');
  if (safe === lower && safe.length <= FILE_NAME_CHARS) return safe;
  return `${safe.slice(0, FILE_NAME_CHARS)}~${createHash('sha256').update(lower).digest('hex').slice(0, 16)}`;
}
