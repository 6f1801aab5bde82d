import { describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../../src/errors.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: ['Chief Technology Officer'] }]);
const shown = (problems: Problem[], severity: Problem['severity']) =>
  problems.filter((p) => p.severity === severity).map(formatProblem);

const HINT = 'retype the address by hand; control, bidi and zero-width characters are never part of an address';

describe('control and invisible characters in subscriber addresses', () => {
  it('JSON: each bad entry is an error naming file, line, index, field, character and fix', () => {
    const entries = [
      { email: 'ok@example.com', roles: ['CTO'] },
      { email: 'ann\u200e@example.com', roles: ['CTO'] },
      { email: 'bob@example.com\u2028', roles: ['CTO'] },
      { email: 'a\u0085carol@example.com', roles: ['CTO'] },
      { email: 'dan\u0000@example.com', roles: ['CTO'] },
      { email: '\ufeffeve@example.com', roles: ['CTO'] },
      { email: 'fay@exa\u202emple.com', roles: ['CTO'] },
    ];
    const text = JSON.stringify({ subscribers: entries }, null, 2);
    const { subscribers, problems } = parseSubscribers(text, 'list.json', taxonomy);
    expect(subscribers.map((s) => s.email)).toEqual(['ok@example.com']);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(shown(problems, 'error')).toEqual([
      `list.json:${lineOf('ann')}: subscribers[1].email: contains the invisible or control character U+200E at position 4 — ${HINT}`,
      `list.json:${lineOf('bob')}: subscribers[2].email: contains the invisible or control character U+2028 at position 16 — ${HINT}`,
      `list.json:${lineOf('carol')}: subscribers[3].email: contains the invisible or control character U+0085 at position 2 — ${HINT}`,
      `list.json:${lineOf('dan')}: subscribers[4].email: contains the invisible or control character U+0000 at position 4 — ${HINT}`,
      `list.json:${lineOf('eve')}: subscribers[5].email: contains the invisible or control character U+FEFF at position 1 — ${HINT}`,
      `list.json:${lineOf('fay')}: subscribers[6].email: contains the invisible or control character U+202E at position 8 — ${HINT}`,
    ]);
  });

  it('CSV: refused as written, even at the edge of a cell where trimming would hide it', () => {
    const csv = [
      'email,roles',
      'ok@example.com,CTO',
      'ann\u200f@example.com,CTO',
      '"bob@example.com\u2029",CTO',
      '\u00a0carol@example.com\u200b,CTO',
      '"dan\u007f@example.com",CTO',
      ' spaced@example.com ,CTO',
    ].join('\r\n');
    const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers.map((s) => s.email)).toEqual(['ok@example.com', 'spaced@example.com']);
    expect(shown(problems, 'error')).toEqual([
      `list.csv:3: [1].email: contains the invisible or control character U+200F at position 4 — ${HINT}`,
      `list.csv:4: [2].email: contains the invisible or control character U+2029 at position 16 — ${HINT}`,
      `list.csv:5: [3].email: contains the invisible or control character U+200B at position 19 — ${HINT}`,
      `list.csv:6: [4].email: contains the invisible or control character U+007F at position 4 — ${HINT}`,
    ]);
  });

  it('refuses a domain that does not convert to ASCII', () => {
    const text = JSON.stringify([{ email: 'ann@xn--zz.com' }, { email: 'bob@ex%41mple.com' }]);
    const { subscribers, problems } = parseSubscribers(text, 'list.json', taxonomy);
    expect(subscribers).toEqual([]);
    expect(shown(problems, 'error')).toEqual([
      'list.json:1: [0].email: has a domain (after the @) that is not a valid host name (got "ann@xn--zz.com") — write it as name@example.com',
      'list.json:1: [1].email: has a domain (after the @) that is not a valid host name (got "bob@ex%41mple.com") — write it as name@example.com',
    ]);
  });
});

describe('one mailbox written several ways in one list', () => {
  it.each([
    ['case', ['Ann@Example.com', 'ann@EXAMPLE.com']],
    ['whitespace', ['ann@example.com', '  ann@example.com ']],
    ['Unicode and punycode domain', ['ann@bücher.de', 'ANN@xn--bcher-kva.de']],
    ['upper-case Unicode domain', ['ann@xn--bcher-kva.de', 'ann@BÜCHER.DE']],
    ['composed and decomposed local part', ['üser@example.com', 'u\u0308ser@example.com']],
  ])('%s: a warning, and only the first entry is used', (_kind, [first, second]) => {
    const text = JSON.stringify([
      { email: first, roles: ['CTO'] },
      { email: 'other@example.com', roles: ['CTO'] },
      { email: second, roles: ['CTO'] },
    ]);
    const { subscribers, problems } = parseSubscribers(text, 'list.json', taxonomy);
    expect(subscribers.map((s) => s.email)).toEqual([first!.trim(), 'other@example.com']);
    expect(shown(problems, 'warning')).toEqual([
      'list.json:1: warning: [2].email: duplicate of entry [0]; only the first is used — remove one of the two entries',
    ]);
    expect(shown(problems, 'error')).toEqual([]);
  });
});

describe('addresses of the wrong shape', () => {
  it('say what to write: the address alone for a copied "Name <address>", one address per entry', () => {
    const csv = [
      'email,roles',
      '"Ann Smith <ann@example.com>",CTO',
      '"bob@example.com, carl@example.com",CTO',
      'dave.example.com,CTO',
    ].join('\n');
    const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers).toEqual([]);
    expect(shown(problems, 'error')).toEqual([
      'list.csv:2: [0].email: is not a valid email address (got "Ann Smith <ann@example.com>") — write the address alone, without the name: ann@example.com',
      'list.csv:3: [1].email: is not a valid email address (got "bob@example.com, carl@example.com") — write one address per entry, as name@example.com',
      'list.csv:4: [2].email: is not a valid email address (got "dave.example.com") — write it as name@example.com',
    ]);
  });
});
