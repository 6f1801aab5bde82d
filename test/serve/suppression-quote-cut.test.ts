import { describe, expect, it } from 'vitest';
import { parseSuppressionFile } from '../../src/serve/suppression-file.js';

/**
 * A suppression CSV row whose last cell opens a quote that never closes: the address before the
 * quote was written whole, and that reader asked not to be mailed. It is suppressed, and the row
 * is still named so the file can be mended.
 */

const read = (text: string) => parseSuppressionFile(text, 'bounces.csv', 'imported');

describe('a row cut at a quote that is never closed', () => {
  it('suppresses the address written before the quote, with the default reason, and names the row', () => {
    const { entries, problems } = read(
      'email,reason\nann@example.com,bounce\nbob@example.com,"complained\ncat@example.com,x\n',
    );
    expect(entries.map((e) => [e.email, e.reason, e.line])).toEqual([
      ['ann@example.com', 'bounce', 2],
      ['bob@example.com', 'imported', 3],
      ['cat@example.com', 'x', 4],
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        message: expect.stringContaining('a quote opened on line 3 is never closed'),
      }),
    ]);
  });

  it('keeps the header’s separator and an earlier quoted cell of the row', () => {
    const { entries } = read('Reason;Email;Note\r\n"a;b";dan@example.com;"never closed\r\n');
    expect(entries.map((e) => [e.email, e.reason, e.line])).toEqual([['dan@example.com', 'a;b', 2]]);
  });

  it('takes nothing from the cell the quote opens: an address in it is only named', () => {
    const { entries, problems } = read('email,reason\n"eve@example.com,bounce\n');
    expect(entries).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ line: 2 })]);
  });
});
