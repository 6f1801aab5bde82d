import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSuppressed, openStateDb, suppressionChecker } from '../../src/send/store.js';
import { addSuppressions, listSuppressions, parseSuppressionFile } from '../../src/serve/index.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('suppression imports and canonical addresses', () => {
  it('reports an address with a control or invisible character by code point, even at the edge of a CSV cell', () => {
    const csv = 'email,reason\nok@example.com,x\nann@example.com\u200b,x\n"bob\u0007@example.com",x\n';
    const result = parseSuppressionFile(csv, 'bounces.csv', 'bounce');
    expect(result.entries.map((e) => e.email)).toEqual(['ok@example.com']);
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [3, 'the address contains the invisible or control character U+200B at position 16'],
      [4, 'the address contains the invisible or control character U+0007 at position 4'],
    ]);
    const json = parseSuppressionFile('["ok@example.com", "\\u202ecy@example.com"]', 'b.json', 'bounce');
    expect(json.entries.map((e) => e.email)).toEqual(['ok@example.com']);
    expect(json.problems.map((p) => p.message)).toEqual([
      'the address contains the invisible or control character U+202E at position 1',
    ]);
  });

  it('stores one canonical key, so every spelling is suppressed and a second spelling is "already"', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-import-'));
    const db = openStateDb(join(dir, 'state.db'));
    try {
      const { entries } = parseSuppressionFile('email\nAnn@BÜCHER.de\n', 'b.csv', 'bounce');
      expect(addSuppressions(db, entries, 'import')).toEqual({ added: 1, already: 0 });
      expect(addSuppressions(db, [{ email: 'ann@xn--bcher-kva.de', reason: 'x' }], 'cli')).toEqual({
        added: 0,
        already: 1,
      });
      expect(listSuppressions(db).map((s) => s.email)).toEqual(['ann@xn--bcher-kva.de']);
      const check = suppressionChecker(db);
      for (const spelling of ['ann@bücher.de', 'ANN@XN--BCHER-KVA.DE', ' Ann@Bu\u0308cher.de ']) {
        expect(isSuppressed(db, spelling), spelling).toBe(true);
        expect(check(spelling), spelling).toBe(true);
      }
      expect(check('ann2@bücher.de')).toBe(false);
    } finally {
      db.close();
    }
  });
});
