import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidAddress } from '../../src/address.js';
import { createOutboxTransport, fileNameFor } from '../../src/send/transport.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

// The longest valid address: a 64-byte local part and a 253-character domain.
const LONGEST = `${'a'.repeat(64)}@${`${'b'.repeat(60)}.`.repeat(3)}${'c'.repeat(60)}.com`;

describe('outbox file names', () => {
  it('stay within the 255-byte file-name limit for the longest valid address', () => {
    expect(isValidAddress(LONGEST)).toBe(true);
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
});
