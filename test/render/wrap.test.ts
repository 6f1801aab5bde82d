import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldTokens } from '../../src/render/_personal.js';

const SENTINEL = createFieldTokens().sentinel;

import { TEXT_WIDTH, wrapKeepsSize, wrapLine, wrapText } from '../../src/render/wrap.js';

const LONG_URL = `https://example.com/articles/${'a-very-long-slug-'.repeat(5)}end?utm_source=digest`;

describe('wrapLine', () => {
  it.each([
    {
      name: 'a short line stays as it is',
      width: 30,
      line: 'Short  line,  spaces.',
      expected: ['Short  line,  spaces.'],
    },
    { name: 'a line exactly at the width stays', width: 10, line: 'abcde fghi', expected: ['abcde fghi'] },
    {
      name: 'prose breaks at spaces',
      width: 20,
      line: 'one two three four five six seven eight',
      expected: ['one two three four', 'five six seven eight'],
    },
    {
      name: 'runs of spaces in a wrapped line collapse',
      width: 10,
      line: 'alpha   beta   gamma',
      expected: ['alpha beta', 'gamma'],
    },
    {
      name: 'a word longer than the width gets its own line',
      width: 10,
      line: 'a supercalifragilistic b',
      expected: ['a', 'supercalifragilistic', 'b'],
    },
    {
      name: 'a long URL after a label moves to its own line',
      width: 40,
      line: `Read the article: ${LONG_URL}`,
      expected: ['Read the article:', LONG_URL],
    },
    {
      name: 'text after a long URL starts a new line',
      width: 40,
      line: `See ${LONG_URL} for more`,
      expected: ['See', LONG_URL, 'for more'],
    },
    { name: 'a line holding only a URL is never broken', width: 40, line: LONG_URL, expected: [LONG_URL] },
    { name: 'an indented URL is never broken', width: 40, line: `    ${LONG_URL}`, expected: [`    ${LONG_URL}`] },
    {
      name: 'bullet continuations hang under the text',
      width: 24,
      line: '  * Cap prompt log retention at thirty days',
      expected: ['  * Cap prompt log', '    retention at thirty', '    days'],
    },
    {
      name: 'dash and numbered bullets hang too',
      width: 16,
      line: '12. alpha beta gamma delta',
      expected: ['12. alpha beta', '    gamma delta'],
    },
    {
      name: 'indented prose keeps its indent',
      width: 14,
      line: '  one two three four',
      expected: ['  one two', '  three four'],
    },
    {
      name: 'a no-break space joins words',
      width: 12,
      line: 'see page\u00a012 of the notes',
      expected: ['see page\u00a012', 'of the notes'],
    },
    {
      name: 'width counts characters, not UTF-16 units',
      width: 10,
      line: '😀😀😀😀 😀😀😀😀😀',
      expected: ['😀😀😀😀 😀😀😀😀😀'],
    },
    {
      name: 'a heading marker stays with a first word longer than the width',
      width: 20,
      line: '## Supercalifragilisticexpialidocious economics of queues',
      expected: ['## Supercalifragilisticexpialidocious', 'economics of queues'],
    },
    {
      name: 'a section band marker stays with its first word',
      width: 12,
      line: '== Engineering · 2 reads ==',
      expected: ['== Engineering', '· 2 reads =='],
    },
    {
      name: 'per-reader tokens are single words',
      width: 30,
      line: `Unsubscribe from this list: ${SENTINEL.unsubscribe}`,
      expected: ['Unsubscribe from this list:', SENTINEL.unsubscribe],
    },
  ])('$name', ({ width, line, expected }) => {
    expect(wrapLine(line, width).split('\n')).toEqual(expected);
  });
});

describe('wrapText', () => {
  it('wraps every line of a text, keeps blank lines, and leaves no line over the width but lone long words', () => {
    const text = [
      'Hi Reader,',
      '',
      'word '.repeat(40).trim(),
      '',
      'Principles:',
      `  * ${'item '.repeat(30).trim()}`,
      `Unsubscribe: ${LONG_URL}`,
    ].join('\n');
    const wrapped = wrapText(text);
    for (const line of wrapped.split('\n')) {
      if (line.length > TEXT_WIDTH) expect(line).toBe(LONG_URL);
    }
    expect(wrapped.split('\n').slice(0, 2)).toEqual(['Hi Reader,', '']);
    expect(wrapped).toContain(`Unsubscribe:\n${LONG_URL}`);
    expect(wrapped).toMatch(/\n {2}\* item[^\n]*\n {4}item/);
    expect(wrapped.replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('is idempotent, so filled-in messages can be wrapped again', () => {
    const once = wrapText(`${'lorem ipsum '.repeat(30)}\n  - ${'dolor sit '.repeat(20)}\nLink: ${LONG_URL}`);
    expect(wrapText(once)).toBe(once);
  });

  it('wraps as counting every line again per word did, code points and all', () => {
    // The line so far was counted again for every word; each word is now counted once.
    const columns = (text: string) => [...text].length;
    const reference = (line: string, width: number) => {
      if (line.length <= width || columns(line) <= width) return line;
      const marker = /^[ \t]*(?:[*\-+•]|\d{1,3}[.)])[ \t]+/u.exec(line)?.[0] ?? /^[ \t]*/.exec(line)![0];
      const lead = marker.replace(/\t/g, '  ');
      const words = line
        .slice(marker.length)
        .split(/[ \t]+/)
        .filter(Boolean);
      if (words.length < 2) return line;
      const hang = ' '.repeat(Math.min(columns(lead), Math.floor(width / 2)));
      const lines: string[] = [];
      let current = lead + words[0];
      for (const word of words.slice(1)) {
        if (columns(current) + 1 + columns(word) <= width) current += ` ${word}`;
        else {
          lines.push(current);
          current = hang + word;
        }
      }
      lines.push(current);
      return lines.join('\n');
    };
    const bit = fc.constantFrom(
      ' ',
      '\t',
      '  * ',
      '1. ',
      'a',
      'word',
      'ü',
      '😀',
      '\ud83d',
      '\ude00',
      '\u00a0',
      'x'.repeat(30),
    );
    fc.assert(
      fc.property(fc.array(bit, { maxLength: 60 }), fc.integer({ min: 4, max: 80 }), (bits, width) => {
        const line = bits.join('');
        expect(wrapLine(line, width)).toBe(reference(line, width));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wrapLine with Chinese, Japanese and Korean', () => {
  const cjk =
    '这是一个没有空格的很长的中文句子，用来检查纯文本部分是否会在字符之间换行。第二句话也同样很长，而且包含标点符号。';

  it('breaks between wide characters, counting each as two columns', () => {
    const lines = wrapLine(cjk, 40).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect([...line].length * 2).toBeLessThanOrEqual(40);
    expect(lines.join('')).toBe(cjk);
  });

  it('never starts a line with closing punctuation nor ends one with opening punctuation', () => {
    for (let width = 8; width <= 40; width++) {
      const line = `日本語の文章「引用された言葉」です。次の文、そして終わり。${cjk}`;
      const lines = wrapLine(line, width).split('\n');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.join('')).toBe(line);
      for (const [i, out] of lines.entries()) {
        if (i > 0) expect(out).not.toMatch(/^[、。，」』）]/);
        if (i < lines.length - 1) expect(out).not.toMatch(/[「『（]$/);
      }
    }
  });

  it('keeps Latin words and URLs among wide text whole, and joins them with their spaces', () => {
    const line = `请阅读这篇文章 ${LONG_URL} 以了解更多关于 Feature Store 成本的内容和细节，谢谢。`;
    const lines = wrapLine(line, 40).split('\n');
    expect(lines).toContain(LONG_URL);
    expect(lines.join('\n')).toMatch(/Feature Store|Feature\nStore/);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('以了解更多关于');
  });

  it('never breaks an address that holds wide characters', () => {
    const url = 'https://ja.wikipedia.org/wiki/東京都の歴史と文化についての長い記事の題名';
    expect(wrapLine(`詳しくはこちら ${url}`, 30).split('\n')).toContain(url);
  });

  it('leaves a short Korean line that fits alone', () => {
    expect(wrapLine('안녕하세요 독자님', 40)).toBe('안녕하세요 독자님');
  });

  it('never parts a character from the marks that make it one (decomposed kana and Hangul, variation selectors)', () => {
    const decomposed = [
      'か\u3099'.repeat(50), // が written as か and a combining voiced mark
      '한국어'.normalize('NFD').repeat(30), // Hangul as its jamo, as macOS names files
      '葛\u{E0100}'.repeat(50), // a CJK character with its ideographic variation selector
    ];
    for (const text of decomposed)
      for (const lead of ['', 'a ', 'ab ', 'abc ']) {
        const lines = wrapLine(lead + text).split('\n');
        expect(lines.length).toBeGreaterThan(1);
        for (const line of lines.slice(1)) expect(line).not.toMatch(/^[\p{M}\u1160-\u11ff]/u);
      }
  });
});

describe('wrapKeepsSize', () => {
  // Words of every kind a line of the plain text holds: prose, addresses, roles in many scripts.
  const word = fc.constantFrom(
    'sent',
    'CTO',
    'Ärztin',
    'Überblick',
    'أمن',
    'Δεδομένα',
    '🙂x',
    'https://rolecast.example/u/abc?t=1',
    'VP\u00a0Engineering',
    '東京',
    '데이터',
    '-',
    '*',
    '1.',
    '##',
    'a'.repeat(90),
  );
  const gap = fc.constantFrom(' ', ' ', ' ', '  ', '\t');
  const line = fc
    .tuple(fc.constantFrom('', '', ' ', '\t', '- ', '* ', '12) '), fc.array(fc.tuple(word, gap), { maxLength: 40 }))
    .map(([lead, words]) => lead + words.map(([w, g]) => w + g).join(''))
    .chain((text) => fc.constantFrom(text, text.trimEnd()));

  it('answers yes only for lines whose UTF-8 size wrapping leaves as it is, at any width', () => {
    let kept = 0;
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 120 }), (text, width) => {
        if (!wrapKeepsSize(text)) return;
        kept++;
        expect(Buffer.byteLength(wrapLine(text, width))).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 3000, seed: 15 },
    );
    expect(kept).toBeGreaterThan(100);
  });

  it('answers no for lines wrapping shortens or lengthens', () => {
    const long = 'word '.repeat(30).trimEnd();
    for (const text of [`  ${long}`, `- ${long}`, `${long}  x`, `${long} `, '東京'.repeat(40)]) {
      expect(Buffer.byteLength(wrapLine(text))).not.toBe(Buffer.byteLength(text));
      expect(wrapKeepsSize(text)).toBe(false);
    }
    expect(wrapKeepsSize(`This email was sent to reader@example.com because you chose ${long}.`)).toBe(true);
  });
});
