import { describe, expect, it } from 'vitest';
import { parseCsv as csvRows } from '../../src/load/_csv.js';
import { parseSuppressionFile } from '../../src/serve/index.js';

const read = (text: string) => parseSuppressionFile(text, 'bounces', 'import');
const emails = (text: string) => read(text).entries.map((e) => e.email);

describe('parseSuppressionFile: the shapes providers export', () => {
  const cases = [
    { name: 'CSV with an email column', text: 'email,reason\na@example.com,hard bounce\nb@example.com,\n' },
    {
      name: 'CSV with an Email column and CRLF',
      text: 'Created,Email\r\n2026-11-01,a@example.com\r\n2026-11-02,b@example.com\r\n',
    },
    {
      name: 'CSV with an address column, quoted',
      text: '"address","code"\n"a@example.com","550"\n"b@example.com","550"\n',
    },
    { name: 'semicolon-separated CSV', text: 'recipient;type\na@example.com;complaint\nb@example.com;bounce\n' },
    { name: 'a plain list of addresses', text: 'a@example.com\nb@example.com\n' },
    { name: 'JSON array of strings', text: '["a@example.com", "b@example.com"]' },
    {
      name: 'JSON array of objects with email',
      text: '[{"email":"a@example.com","reason":"bounce"},{"email":"b@example.com"}]',
    },
    {
      name: 'JSON wrapped in an object (address)',
      text: '{"items":[{"address":"a@example.com"},{"address":"b@example.com"}],"paging":{}}',
    },
    { name: 'JSON with recipient', text: '[{"recipient":"a@example.com"},{"Recipient":"b@example.com"}]' },
    {
      name: 'JSON with EmailAddress',
      text: '{"SuppressedDestinationSummaries":[{"EmailAddress":"a@example.com","Reason":"BOUNCE"},{"EmailAddress":"b@example.com","Reason":"COMPLAINT"}]}',
    },
    { name: 'JSON Lines', text: '{"email":"a@example.com"}\n{"email":"b@example.com"}\n' },
  ];
  it.each(cases)('$name', ({ text }) => {
    const result = read(text);
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => e.email)).toEqual(['a@example.com', 'b@example.com']);
  });

  it('keeps the reason a row gives, else the default', () => {
    expect(read('email,reason\na@example.com,hard bounce\nb@example.com,\n').entries.map((e) => e.reason)).toEqual([
      'hard bounce',
      'import',
    ]);
    expect(read('[{"email":"a@example.com","type":"complaint"}]').entries[0]!.reason).toBe('complaint');
  });

  it('reports unreadable CSV rows with their line numbers and keeps the rest', () => {
    const result = read('email,reason\na@example.com,x\nnot-an-address,x\n\n"multi\nline",x\n,x\nb@example.com,y\n');
    expect(result.entries.map((e) => [e.email, e.line])).toEqual([
      ['a@example.com', 2],
      ['b@example.com', 8],
    ]);
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [3, '"not-an-address" is not a valid email address'],
      [5, 'the address contains the invisible or control character U+000A at position 6'],
      [7, 'no address found in this row'],
    ]);
  });

  it('reports a row with cells past its header, and a plain-list line with two values, reading neither', () => {
    const csv = read('email\nx4@example.com,y4@example.com\na@example.com,\n');
    expect(csv.entries.map((e) => e.email)).toEqual(['a@example.com']);
    expect(csv.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'this row has 2 cells where the header names 1'],
    ]);

    const plain = read('a@example.com\nx2@example.com,y2@example.com\n');
    expect(plain.entries.map((e) => e.email)).toEqual(['a@example.com']);
    expect(plain.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'this line holds 2 values where a plain list has one address per line'],
    ]);
  });

  it('suppresses the address a CSV export guarded with a quote, and the one as written', () => {
    const csv = read("email\n'+plus@example.com\nplain@example.com\n");
    expect(csv.entries.map((e) => e.email)).toEqual(["'+plus@example.com", '+plus@example.com', 'plain@example.com']);
    expect(csv.problems).toEqual([]);
  });

  it('reads an address beside a postal address column, as Mailchimp exports it', () => {
    const csv = read('Email Address,First Name,Address\nann@example.com,Ann,"12 Main St, Springfield"\n');
    expect(csv.entries.map((e) => e.email)).toEqual(['ann@example.com']);
    expect(csv.problems).toEqual([]);
    expect(emails('[{"email": "bo@example.com", "address": "1 High St"}]')).toEqual(['bo@example.com']);
  });

  it('reports a row with text after a closing quote, reading it not as another address', () => {
    const csv = read('email,reason\n"f@example.com"x,bounce\ng@example.com,bounce\n');
    expect(csv.entries.map((e) => e.email)).toEqual(['g@example.com']);
    expect(csv.problems.map((p) => [p.line, p.message])).toEqual([[2, 'has text after the closing quote of a cell']]);
  });

  it('reports unreadable JSON items with their line numbers', () => {
    const text = '[\n  "a@example.com",\n  {"name": "no address"},\n  42,\n  {"email": "b@example.com"}\n]';
    const result = read(text);
    expect(emails(text)).toEqual(['a@example.com', 'b@example.com']);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4]);
  });

  it('reads every array of a wrapper object that holds addresses, and none that does not', () => {
    expect(emails('{"items":[{"address":"w1@x.example"}],"other":[{"address":"w2@x.example"}]}')).toEqual([
      'w1@x.example',
      'w2@x.example',
    ]);
    const result = read('{"errors":[],"items":[{"email":"e1@x.example"},{"email":"e2@x.example"}],"tags":["vip"]}');
    expect(result.problems).toEqual([]);
    expect(result.entries.map((e) => e.email)).toEqual(['e1@x.example', 'e2@x.example']);
  });

  it('reports the lines of every list it reads, and several arrays without an address', () => {
    const result = read('{\n"items": [\n"a@x.example"\n],\n"failed": [\n{"email": "nope"}\n]\n}');
    expect(result.entries.map((e) => [e.email, e.line])).toEqual([['a@x.example', 3]]);
    expect(result.problems.map((p) => p.line)).toEqual([6]);
    expect(read('{"errors":[{"code":1}],"warnings":[]}').problems[0]).toMatchObject({
      message: 'no list of addresses found',
    });
  });

  it('refuses a record or row whose address fields name different mailboxes, and reads one that agrees', () => {
    const json = read(
      '[\n{"recipient":"j4@x.example","email":"j5@x.example"},\n{"email":"J6@x.example","address":"j6@x.example"}\n]',
    );
    expect(json.entries.map((e) => [e.email, e.line])).toEqual([['J6@x.example', 3]]);
    expect(json.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'two different addresses, in "recipient" and "email"'],
    ]);
    const lines = read('{"email":"a@x.example","Recipient":"b@x.example"}\n{"email":null,"address":"c@x.example"}\n');
    expect(lines.entries.map((e) => e.email)).toEqual(['c@x.example']);
    expect(lines.problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'two different addresses, in "email" and "Recipient"'],
    ]);
    const csv = read('Email,Recipient\na@x.example,b@x.example\nc@x.example,\n,d@x.example\n');
    expect(csv.entries.map((e) => e.email)).toEqual(['c@x.example', 'd@x.example']);
    expect(csv.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'two different addresses, in "Email" and "Recipient"'],
    ]);
  });

  it('reports a CSV without an address column, and JSON that is broken', () => {
    expect(read('name,code\nAda,550\n').problems[0]).toMatchObject({ line: 1, message: 'no address column found' });
    expect(read('{"items": [}').problems[0]).toMatchObject({ field: 'json' });
    expect(read('{"count": 2}').problems[0]).toMatchObject({ message: 'no list of addresses found' });
  });
});

describe('csvRows', () => {
  it('handles quotes, doubled quotes and commas inside fields', () => {
    expect(csvRows('a,"b,c","d ""e"""\n')).toEqual([{ cells: ['a', 'b,c', 'd "e"'], line: 1, joined: false }]);
    expect(csvRows('x\n"y\nz"\nw')).toEqual([
      { cells: ['x'], line: 1, joined: false },
      { cells: ['y\nz'], line: 2, joined: false },
      { cells: ['w'], line: 4, joined: false },
    ]);
  });
});
