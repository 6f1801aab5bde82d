import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidAddress } from '../../src/address.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { parseSummary } from '../../src/load/summary.js';
import { IssueManifestSchema } from '../../src/model/issue.js';
import { SubscriberSchema } from '../../src/model/subscriber.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { createOutboxTransport, fileNameFor } from '../../src/send/transport.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

// The longest valid address: 254 bytes (SMTP's 256-byte path less its angle brackets), a
// 64-byte local part and a 189-character domain.
const LONGEST = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(63)}.com`;

describe('outbox file names', () => {
  it('stay within the 255-byte file-name limit for the longest valid address', () => {
    expect(LONGEST).toHaveLength(254);
    expect(isValidAddress(LONGEST)).toBe(true);
    // One more byte, or a 253-character domain under a 64-byte local part, is no address SMTP carries.
    expect(isValidAddress(`a${LONGEST}`)).toBe(false);
    expect(isValidAddress(`${'a'.repeat(64)}@${`${'b'.repeat(60)}.`.repeat(3)}${'c'.repeat(60)}.com`)).toBe(false);
    // Counted in bytes: 32 "ü" are 64 bytes of UTF-8.
    const domain190 = `${LONGEST.slice(65)}s`;
    expect(isValidAddress(`${'u'.repeat(32)}@${domain190}`)).toBe(true);
    expect(isValidAddress(`${'ü'.repeat(32)}@${domain190}`)).toBe(false);
    // Room for ".eml" and the temporary ".<pid>.<n>.tmp" suffix.
    expect(Buffer.byteLength(fileNameFor(LONGEST))).toBeLessThanOrEqual(200);
  });

  it('keep two long addresses that differ only at the end apart', () => {
    const other = `${LONGEST.slice(0, -1)}d`;
    expect(isValidAddress(other)).toBe(true);
    expect(fileNameFor(other)).not.toBe(fileNameFor(LONGEST));
  });

  it('write a message to the longest valid address', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rolecast-redteam-'));
    dirs.push(folder);
    const transport = createOutboxTransport(folder);
    await transport.verify();
    await transport.send({ from: 'digest@example.com', to: LONGEST, subject: 'x', text: 'x' });
    await transport.close();
    expect(await readdir(folder)).toHaveLength(1);
  });

  it("never give one reader's file to another whose address is spelt like its hashed name", async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rolecast-redteam-'));
    dirs.push(folder);
    const quoted = "a'b@example.com";
    // Names were once the cleaned address, a dash and 8 hex digits of its hash: a valid address too.
    const lookalike = `a_b@example.com-${createHash('sha256').update(quoted).digest('hex').slice(0, 8)}`;
    expect(isValidAddress(lookalike)).toBe(true);
    const transport = createOutboxTransport(folder);
    await transport.verify();
    for (const to of [quoted, lookalike])
      await transport.send({ from: 'digest@example.com', to, subject: to, text: to });
    await transport.close();
    const files = await readdir(folder);
    expect(files).toHaveLength(2);
    const subjects = await Promise.all(
      files.map(async (file) => /^Subject: (.*)$/m.exec(await readFile(join(folder, file), 'utf8'))?.[1]),
    );
    expect(subjects.sort()).toEqual([quoted, lookalike].sort());
  });
});

describe('header-bound text', () => {
  const config = (sender: string, brand: string) => ({
    sender: { name: sender, email: 'digest@example.com' },
    listId: 'weekly.example.com',
    brand: { name: brand },
    footer: { postalAddress: '1 Example Lane' },
  });
  // Line breaks a mail client or terminal honours besides CR and LF, and other controls.
  const hostile = ['A\u2028Bcc: x@example.com', 'A\u0085B', 'A\u001b[31mB', 'A\u0007B', 'A\u0000B', 'A\u009bB'];

  it.each(hostile)('refuses %j in a subscriber name, the subject and the sender name', (value) => {
    expect(SubscriberSchema.safeParse({ email: 'a@example.com', name: value }).success).toBe(false);
    expect(IssueManifestSchema.safeParse({ subject: value, date: '2026-11-26', summaries: ['a.txt'] }).success).toBe(
      false,
    );
    expect(ConfigSchema.safeParse(config(value, 'Brand')).success).toBe(false);
    const titled = { subject: '{{title}}', title: value, date: '2026-11-26', summaries: ['a.txt'] };
    expect(IssueManifestSchema.safeParse(titled).success).toBe(false);
  });

  it('refuses a line break in the brand name, which the List-Id header carries', () => {
    expect(ConfigSchema.safeParse(config('Sender', 'Brand\r\nBcc: x@example.com')).success).toBe(false);
    expect(ConfigSchema.safeParse(config('Sender', 'Brand\u2028X')).success).toBe(false);
  });

  it('still accepts names with tabs trimmed away, accents, right-to-left text and emoji', () => {
    for (const name of ['Zoë Ørsted', '\u05e9\u05dc\u05d5\u05dd \u200fCo', 'Ana 🚀', ' Bob\t']) {
      expect(SubscriberSchema.safeParse({ email: 'a@example.com', name }).success).toBe(true);
      expect(ConfigSchema.safeParse(config(name, name)).success).toBe(true);
    }
  });
});

describe('problems from one summary file', () => {
  const taxonomy = createTaxonomy([]);
  // Each would otherwise be one warning per line: a 1 MB file printed 50 MB of warnings.
  const floods: Record<string, string> = {
    'a.txt': 'T\r'.repeat(100_000),
    'b.txt': 'Summary:\n'.repeat(50_000),
    'c.md': `---\ntitle: T\n---\n${'stray text\n\n'.repeat(30_000)}`,
  };

  it.each(Object.keys(floods))('are summarised when one kind repeats thousands of times (%s)', (file) => {
    const { problems } = parseSummary(floods[file]!, file, taxonomy);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThanOrEqual(100);
    if (problems.length >= 20) expect(problems.some((p) => /more like this/.test(p.message))).toBe(true);
  });

  it('keeps a few repeats as they are', () => {
    const { problems } = parseSummary('T\r'.repeat(4), 'd.txt', taxonomy);
    expect(problems.filter((p) => /more like this/.test(p.message))).toEqual([]);
  });
});

describe('role suggestions', () => {
  it('stay bounded with the largest taxonomy and thousands of distinct unknown roles', () => {
    // 1,000 roles × 100 aliases (the limits) against 3,000 unknown roles of the same length:
    // one distance per pair was 3 × 10^8 distances, minutes of work for `check`.
    const roles = Array.from({ length: 1000 }, (_, i) => ({
      name: `R${i}`,
      aliases: Array.from({ length: 100 }, (_, j) => `A${i}x${j}`),
    }));
    const taxonomy = createTaxonomy(roles);
    expect(taxonomy.closest('A7x12z')).toBe('R7 (alias "A7x12")');
    const started = Date.now();
    for (let i = 0; i < 3000; i++) taxonomy.closest(`Q${i}y`);
    // Generous: the bounded search takes well under a second.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('special files', () => {
  it.each([
    ['parse', '/dev/zero'],
    ['check', 'issues/2026-W48', '--subscribers', '/dev/zero'],
    ['suppress', 'import', '/dev/zero', '--state', join(tmpdir(), 'rolecast-dev-zero.db')],
  ])('%s … /dev/zero is refused at once with exit 2, never read', async (...argv) => {
    const result = await runCli(argv, { timeoutMs: 30_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/dev/zero is not a regular file');
  });
});
