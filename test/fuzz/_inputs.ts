import fc from 'fast-check';
import { AWAITING_LIMITS } from './_fuzz.js';

/**
 * Structure-aware generators: valid documents in every input format, mutated line by line with the
 * pieces the parsers look for (headings, `Best for:` lines, bullets, attribution lines,
 * frontmatter fences, odd JSON keys) and with hostile text (control characters, lone surrogates,
 * BOMs, Windows-1252 bytes), joined with LF, CRLF, CR or a mix of them.
 */

// ---------------------------------------------------------------------------------------------
// Text atoms

const ROLES = [
  'CTO',
  'Executive',
  'VP of Engineering/Data',
  'Chief Technical Officer',
  'ciso',
  'Security  Lead',
  'Unknown Role',
  'Dtaa Scientist',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
];

const HEADINGS = [
  'Summary',
  'summary:',
  'SUMMARY',
  'Key takeaway',
  'Key takeaways:',
  'Key insights',
  'Principles',
  'In practice',
  'In Practise',
  'Topics',
  'Tags:',
  'Overview',
  'Why it matters',
  'Next steps',
  '# Summary',
  '### Key insights',
  '###### Topics',
  'Summary: inline text',
  'Topics: AI; Security, Cost',
  'Principles: inline principle',
  'Unknown Heading',
  'Related Reading',
  'Constructor',
  '__proto__:',
];

const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\u000b',
  '\f',
  '\u001b[31m',
  '\u001b]0;title\u0007',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '😀',
  'e\u0301',
  'İ',
  'ß',
  '\\',
  '"',
  "'",
  '`',
  '{{title}}',
  '{{{x}}}',
  '<script>',
  '&amp;',
  '%00',
  '$' + '{x}',
];

export const hostileChar = fc.constantFrom(...CONTROL);

/** Short text mixing ordinary words, full Unicode and hostile characters. */
export const hostileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('AI', 'cost', 'the', 'Best', 'for', 'Source', 'x', ' ', '  ', '.', ',') },
      { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 2, arbitrary: hostileChar },
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''));

const role = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ROLES) }, { weight: 1, arbitrary: hostileText });

/** A roles list as written on a `Best for:` line: within today's limits unless the limits are in. */
export const rolesList = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(role, { maxLength: 8 }) },
    {
      weight: 1,
      arbitrary: fc.array(role, { minLength: 10, maxLength: AWAITING_LIMITS ? 40 : 400 }),
    },
  )
  .chain((roles) => fc.constantFrom(', ', ',', ' , ', ';', ', ,').map((sep) => roles.join(sep)));

const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'https://example.com/a',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,x',
    'mailto:a@example.com',
    'https://',
    'http://[::1',
    'https://exa mple.com',
    'https://example.com/\u0000',
    'http://xn--',
    '//example.com',
  ),
  hostileText,
);

/** Long runs that only linear regexes survive: short while the linear-time fix is pending. */
const runLength = AWAITING_LIMITS ? 200 : 60_000;
const longRun = fc
  .tuple(fc.constantFrom(' ', '\t', '\u00a0', 'a', 'A', '-', '#', ':', '.'), fc.integer({ min: 1, max: runLength }))
  .map(([ch, n]) => ch.repeat(n));

/** One line of the editorial text format: the structures the parser looks for, or noise. */
export const textLine = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HEADINGS) },
  {
    weight: 3,
    arbitrary: rolesList.chain((r) =>
      fc.constantFrom('Best for: ', 'best for:', 'Audience: ', 'Roles:').map((p) => p + r),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('- ', '* ', '+ ', '• ', '– ', '1. ', '12) ', '  - ', '-', '-\t'), hostileText)
      .map(([m, t]) => m + t),
  },
  {
    weight: 2,
    arbitrary: hostileText.chain((name) =>
      fc.constantFrom(
        `Original article published by ${name}.`,
        `Editorial summary and curation by Rolecast. Original article published by ${name}.`,
        `Source: ${name}`,
        `source:${name}`,
        `Curation by ${name}`,
        `Related on ${name}`,
        `Original article published by ${name}   .   `,
      ),
    ),
  },
  {
    weight: 2,
    arbitrary: url.chain((u) => fc.constantFrom('Link: ', 'URL:', 'Read more: ', 'article : ').map((p) => p + u)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '   \t ', '---', 'title: Hello', 'Title:', '#', '##') },
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: longRun },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', 'Best for', 'Best for:', 'Summary', '# ', '- ', 'x', 'Source:'),
        longRun,
        fc.constantFrom('Original article published by X', 'Best for: CTO', 'x', ':', ''),
      )
      .map(([a, b, c]) => a + b + c),
  },
);

// ---------------------------------------------------------------------------------------------
// Documents

export const lineEnding = fc.constantFrom('\n', '\r\n', '\r');

/** Joins lines with one ending throughout, or a different one between each pair. */
export function joinLines(lines: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    lineEnding.map((eol) => lines.join(eol)),
    fc
      .array(lineEnding, { minLength: lines.length, maxLength: lines.length })
      .map((eols) => lines.map((line, i) => (i === 0 ? line : eols[i - 1] + line)).join('')),
  );
}

/** A BOM, leading blank lines or trailing white space around a document, sometimes. */
export function framed(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('', '\ufeff', '\ufeff\ufeff', '\n\n', ' '),
          text,
          fc.constantFrom('', '\n', '\r\n', '   ', '\u0000', '\ufeff'),
        )
        .map(([a, b, c]) => a + b + c),
    },
  );
}

type Edit = { op: 'insert' | 'replace' | 'delete' | 'duplicate' | 'truncate'; at: number; line: string; cut: number };

const edits = (line: fc.Arbitrary<string>) =>
  fc.array(
    fc.record({
      op: fc.constantFrom<Edit['op']>('insert', 'insert', 'replace', 'delete', 'duplicate', 'truncate'),
      at: fc.nat(),
      line,
      cut: fc.nat(),
    }),
    { maxLength: 8 },
  );

/** Applies random line edits to a valid document's lines. */
function mutateLines(base: readonly string[], changes: readonly Edit[]): string[] {
  const lines = [...base];
  for (const change of changes) {
    const at = lines.length ? change.at % (lines.length + 1) : 0;
    if (change.op === 'insert') lines.splice(at, 0, change.line);
    else if (change.op === 'replace' && at < lines.length) lines[at] = change.line;
    else if (change.op === 'delete' && at < lines.length) lines.splice(at, 1);
    else if (change.op === 'duplicate' && at < lines.length) lines.splice(at, 0, lines[at]!);
    else if (change.op === 'truncate' && at < lines.length) lines[at] = lines[at]!.slice(0, change.cut % 40);
  }
  return lines;
}

const VALID_TEXT = [
  'Your Prompt Logs Are a Secrets Store Now',
  'Summary',
  'Prompt logs collect credentials. Scan them.',
  '',
  'A second paragraph.',
  'Key takeaway',
  'Redact at the gateway.',
  'Key insights',
  'Any system that stores free text stores secrets.',
  'Principles',
  '- Secrets follow convenience.',
  '- Redact before you retain.',
  'In practice',
  '1. Scan weekly.',
  'Topics',
  '- Secrets, Logs',
  'Best for: CISO, AI Architect, Chief Technical Officer',
  'Link: https://example.com/article',
  'Related on Rolecast',
  'Editorial summary and curation by Rolecast. Original article published by Redfern Security Review.',
];

/** The editorial text format: a valid summary, mutated, or lines from scratch. */
export const textDocument = framed(
  fc
    .oneof(
      { weight: 3, arbitrary: edits(textLine).map((e) => mutateLines(VALID_TEXT, e)) },
      { weight: 1, arbitrary: fc.array(textLine, { maxLength: 25 }) },
    )
    .chain(joinLines),
);

const yamlScalar = fc.oneof(
  hostileText,
  fc.constantFrom(
    '',
    '~',
    'null',
    'true',
    'yes',
    '0x1F',
    '1e999999',
    '-.inf',
    '.nan',
    '123456789012345678901234567890',
    '2026-11-26',
    '!!binary aGVsbG8=',
    '!!js/function "function(){}"',
    '!!set {a, b}',
    '!!map {}',
    '&anchor value',
    '*anchor',
    '*undefined',
    '[a, b, [c, [d]]]',
    '{a: 1, __proto__: {polluted: true}}',
    '"quoted \\u0000 \\ud800"',
    "'single ''quoted'''",
    '|',
    '>-',
    '- x',
    ': :',
    '? complex',
    '%YAML 1.2',
    '"unterminated',
  ),
);

/** One frontmatter line: a summary field, an odd key, or YAML oddities. */
const yamlLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'title',
        'summary',
        'takeaway',
        'insights',
        'principles',
        'practice',
        'topics',
        'roles',
        'bestFor',
        'source',
        'attribution',
        'url',
        'id',
        '__proto__',
        'constructor',
        'prototype',
        'polluted',
        'toString',
        '$schema',
        '"quoted key"',
        '? ',
        '<<',
      ),
      fc.constantFrom(': ', ':', ' : ', ':\t'),
      yamlScalar,
    )
    .map(([k, s, v]) => k + s + v),
  fc.tuple(fc.constantFrom('  - ', '- ', '    ', '\t'), yamlScalar).map(([p, v]) => p + v),
  fc.constantFrom('---', '...', '<<: *anchor', 'roles: *a', 'base: &a {title: x}', '# comment'),
  hostileText,
);

const VALID_FRONT = [
  '---',
  'title: Build, Buy, or Borrow an LLM Gateway',
  'takeaway: >-',
  '  Start with a thin gateway.',
  'principles:',
  '  - Own the policy, not the plumbing.',
  'topics: [LLM Gateways, Build vs Buy]',
  'roles:',
  '  - CTO',
  '  - AI Solutions Architect',
  'source: Alderbrook Advisory Notes',
  'url: https://example.com/gateway',
  '---',
  '',
  'Alderbrook compares three ways to put a gateway in front of model providers.',
  '',
  'Differences appear later.',
];

const VALID_SECTIONED = ['---', 'title: T', 'roles: CTO, Executive', '---', '## Summary', 'Body.', '## Topics', '- a'];

/** Markdown with frontmatter (and without), mutated in the frontmatter and the body. */
export const markdownDocument = framed(
  fc
    .oneof(
      { weight: 3, arbitrary: edits(fc.oneof(yamlLine, textLine)).map((e) => mutateLines(VALID_FRONT, e)) },
      { weight: 1, arbitrary: edits(fc.oneof(yamlLine, textLine)).map((e) => mutateLines(VALID_SECTIONED, e)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.array(yamlLine, { maxLength: 12 }), fc.array(textLine, { maxLength: 8 }))
          .map(([front, body]) => ['---', ...front, '---', ...body]),
      },
      { weight: 1, arbitrary: fc.array(textLine, { maxLength: 20 }) },
    )
    .chain(joinLines),
);

// ---------------------------------------------------------------------------------------------
// JSON

export const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '$schema',
  '',
  ' title',
  'Title',
  'title\u0000',
  '\ud800',
  'a.b',
  '[0]',
];

/** A JSON literal as text, including forms JSON.parse accepts but JavaScript numbers cannot hold. */
const jsonLiteral = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(
    '1e999999',
    '-1e999999',
    '123456789012345678901234567890',
    '1234567890'.repeat(8),
    `0.${'3'.repeat(80)}e-5`,
    '-0',
    '0.0000000000000000000001',
    '1E+2',
    'true',
    'null',
    '""',
    '"\\u0000"',
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\u2028\\u2029"',
    '"a\\"b"',
    '"\\\\"',
    '{}',
    '[]',
    '{"polluted": true}',
    '{"__proto__": {"polluted": true}}',
    '{"constructor": {"prototype": {"polluted": true}}}',
  ),
  hostileText.map((t) => JSON.stringify(t)),
);

/** Deep nesting below the depth limit while it is pending; far beyond it afterwards. */
const nestingDepth = AWAITING_LIMITS ? 40 : 20_000;
function nested(closed: fc.Arbitrary<boolean>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 1, max: nestingDepth }), fc.constantFrom('[', '{"a":', '{"__proto__":'), closed)
    .map(([depth, open, isClosed]) => {
      const close = open === '[' ? ']' : '}';
      return open.repeat(depth) + (isClosed ? `1${close.repeat(depth)}` : '');
    });
}
/** Nested arrays or objects, closed or cut off (a document on its own). */
const deepJson = nested(fc.boolean());
/** Nested, well-formed: a value inside an otherwise valid document. */
const deepValue = nested(fc.constant(true));

/** A JSON object written as text whose keys are `keys` and odd ones, with arbitrary values. */
export function jsonObjectText(
  keys: readonly string[],
  value: fc.Arbitrary<string> = jsonLiteral,
): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  return fc
    .tuple(
      fc.array(fc.tuple(key, fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: deepValue })), {
        maxLength: 6,
      }),
      fc.constantFrom('\n  ', '', ' ', '\r\n\t', '\r'),
    )
    .map(([pairs, ws]) => `{${ws}${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(`,${ws}`)}${ws}}`);
}

/** Text-level damage to a JSON document: cut it short, drop or insert a character. */
export function damaged(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          text,
          fc.nat(),
          fc.constantFrom('truncate', 'drop', 'insert'),
          fc.oneof(hostileChar, fc.constantFrom(',', '"', '{', '[', ']', '}', ':', '\\', '\n', '\r')),
        )
        .map(([t, n, op, ch]) => {
          const at = t.length ? n % t.length : 0;
          if (op === 'truncate') return t.slice(0, at);
          if (op === 'drop') return t.slice(0, at) + t.slice(at + 1);
          return t.slice(0, at) + ch + t.slice(at);
        }),
    },
  );
}

const stringListJson = fc
  .array(fc.oneof(role, hostileText), { maxLength: AWAITING_LIMITS ? 12 : 400 })
  .map((items) => JSON.stringify(items));

const SUMMARY_KEYS = [
  'title',
  'summary',
  'takeaway',
  'insights',
  'principles',
  'practice',
  'topics',
  'roles',
  'source',
  'attribution',
  'url',
  'id',
];

/** Summary JSON: a valid summary with fields replaced, or arbitrary objects, damaged at times. */
export const jsonSummaryDocument = framed(
  damaged(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .record({
            title: fc.oneof({ weight: 3, arbitrary: fc.constant('"A title"') }, { weight: 1, arbitrary: jsonLiteral }),
            summary: fc.oneof(
              { weight: 3, arbitrary: fc.constant('"A paragraph."') },
              { weight: 1, arbitrary: jsonLiteral },
            ),
            roles: fc.oneof(
              { weight: 2, arbitrary: fc.constant('["CTO"]') },
              { weight: 1, arbitrary: stringListJson },
              { weight: 1, arbitrary: rolesList.map((r) => JSON.stringify(r)) },
              { weight: 1, arbitrary: jsonLiteral },
            ),
            url: fc.oneof(
              fc.constant('"https://example.com/a"'),
              url.map((u) => JSON.stringify(u)),
              jsonLiteral,
            ),
            extra: fc.oneof(fc.constant('{}'), jsonObjectText(SUMMARY_KEYS)),
          })
          .map(({ title, summary, roles, url: link, extra }) => {
            const inner = extra.slice(1, -1).trim();
            return `{"title": ${title}, "summary": ${summary}, "roles": ${roles}, "url": ${link}${inner ? `, ${inner}` : ''}}`;
          }),
      },
      { weight: 2, arbitrary: jsonObjectText(SUMMARY_KEYS) },
      { weight: 1, arbitrary: fc.oneof(jsonLiteral, deepJson) },
    ),
  ),
);

// ---------------------------------------------------------------------------------------------
// Subscribers, suppressions, issue manifests, taxonomy, config

const email = fc.oneof(
  { weight: 3, arbitrary: fc.emailAddress() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'a@example.com',
      'A@Example.COM',
      ' a@example.com ',
      'üser@example.com',
      'a@bücher.example',
      'a@example.com\u0000',
      'a\r\nBcc: x@example.com',
      'a@example.com\u2028',
      'a@@example.com',
      '@example.com',
      'a@',
      '"a b"@example.com',
      'a@example',
      '',
      '__proto__@example.com',
    ),
  },
  { weight: 1, arbitrary: hostileText },
);

export const subscriberEntry = fc
  .record(
    {
      email: email.map((e) => JSON.stringify(e)),
      name: fc.oneof(
        hostileText.map((t) => JSON.stringify(t)),
        jsonLiteral,
      ),
      roles: fc.oneof(
        stringListJson,
        rolesList.map((r) => JSON.stringify(r)),
        jsonLiteral,
      ),
      timezone: fc
        .constantFrom('Europe/Berlin', 'UTC', 'Mars/Olympus', '', 'europe/berlin', '+01:00', 'Etc/GMT+14')
        .map((z) => JSON.stringify(z)),
      locale: fc.constantFrom('en-GB', 'de', 'x', 'en_GB', 'zh-Hant-TW', '').map((l) => JSON.stringify(l)),
      status: fc.constantFrom('active', 'Active', ' UNSUBSCRIBED ', 'paused', '').map((s) => JSON.stringify(s)),
      odd: jsonObjectText(['email', 'roles']),
    },
    { requiredKeys: [] },
  )
  .map((record) => {
    const parts = Object.entries(record).map(([k, v]) =>
      k === 'odd' ? (v as string).slice(1, -1).trim() : `${JSON.stringify(k)}: ${v}`,
    );
    return `{${parts.filter(Boolean).join(', ')}}`;
  });

/** A subscribers JSON file: an array or a `{ "subscribers": [...] }` wrapper, damaged at times. */
export const subscribersJsonDocument = framed(
  damaged(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.array(fc.oneof({ weight: 5, arbitrary: subscriberEntry }, { weight: 1, arbitrary: jsonLiteral }), {
              maxLength: 8,
            }),
            fc.boolean(),
            fc.constantFrom('\n', '\r\n', ' ', '\r'),
          )
          .map(([entries, wrapped, eol]) => {
            const list = `[${eol}${entries.join(`,${eol}`)}${eol}]`;
            return wrapped ? `{"$schema": "x",${eol}"subscribers": ${list}}` : list;
          }),
      },
      { weight: 1, arbitrary: jsonObjectText(['subscribers', '$schema']) },
      { weight: 1, arbitrary: fc.oneof(jsonLiteral, deepJson) },
    ),
  ),
);

const csvCell = fc.oneof(
  email,
  rolesList,
  hostileText,
  fc.constantFrom('Europe/Berlin', 'active', 'unsubscribed', 'en-GB', '"', '""', '"a,b"', '"multi\nline"', '"open', ''),
);

/** A CSV row: cells joined by the delimiter, quoted at times (quotes may hold delimiters and line breaks). */
function csvRow(delimiter: string): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(csvCell, fc.boolean()).map(([cell, quote]) => (quote ? `"${cell.replace(/"/g, '""')}"` : cell)),
      { maxLength: 7 },
    )
    .map((cells) => cells.join(delimiter));
}

const CSV_HEADERS = [
  'email,name,roles,timezone,locale,status',
  'Email;Name;Roles',
  'email\tstatus',
  'name,roles',
  'EMAIL , roles',
  'email,email,roles',
  'email,__proto__,constructor',
  'Email Address,Reason,Type',
  'recipient,event',
  'email_address,bounce_type',
  '',
];

/** A CSV list with a header row (or none), rows in one delimiter, any line endings. */
export const csvDocument = framed(
  fc
    .tuple(fc.constantFrom(...CSV_HEADERS), fc.constantFrom(',', ';', '\t'))
    .chain(([header, delimiter]) =>
      fc
        .tuple(fc.array(fc.oneof(csvRow(delimiter), email, hostileText), { maxLength: 10 }), fc.boolean())
        .map(([rows, withHeader]) => (withHeader ? [header, ...rows] : rows)),
    )
    .chain(joinLines),
);

/** JSON Lines, one record (or noise) per line, as some providers export bounces. */
export const jsonLinesDocument = fc
  .array(
    fc.oneof(
      email.map((e) => JSON.stringify({ email: e, reason: 'bounce' })),
      email.map((e) => JSON.stringify({ Recipient: e, event: 'complaint' })),
      email.map((e) => JSON.stringify(e)),
      jsonLiteral,
      hostileText,
    ),
    { maxLength: 10 },
  )
  .chain(joinLines);

/** A suppression import: CSV, JSON (arrays, records, wrappers) or JSON Lines. */
export const suppressionDocument = fc.oneof(
  csvDocument,
  jsonLinesDocument,
  framed(
    damaged(
      fc.oneof(
        fc
          .array(
            fc.oneof(
              email.map((e) => JSON.stringify(e)),
              fc
                .tuple(
                  fc.constantFrom('email', 'Email Address', 'recipient', 'mail', '__proto__'),
                  email,
                  fc.constantFrom('reason', 'type', 'bounce_type'),
                  hostileText,
                )
                .map(
                  ([k, e, rk, r]) =>
                    `{${JSON.stringify(k)}: ${JSON.stringify(e)}, ${JSON.stringify(rk)}: ${JSON.stringify(r)}}`,
                ),
              jsonLiteral,
            ),
            { maxLength: 8 },
          )
          .chain((items) =>
            fc.constantFrom(
              `[${items.join(',')}]`,
              `{"items": [${items.join(',\n')}]}`,
              `{"__proto__": [${items.join(',')}]}`,
            ),
          ),
        jsonObjectText(['items', 'bounces', 'email']),
        deepJson,
      ),
    ),
  ),
);

/** An issue.json: the valid manifest's fields replaced by arbitrary values, damaged at times. */
export function issueManifestDocument(summaryFiles: readonly string[]): fc.Arbitrary<string> {
  const files = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...summaryFiles) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'missing.txt',
          '../outside.txt',
          '/etc/hostname',
          'summaries',
          '',
          ' ',
          'a\u0000b.txt',
          'x.pdf',
        ),
      },
    ),
    { maxLength: 6 },
  );
  return framed(
    damaged(
      fc
        .record({
          subject: fc.oneof(
            fc.constant('"Week {{week}}: {{roles}}"'),
            hostileText.map((t) => JSON.stringify(t)),
            jsonLiteral,
          ),
          date: fc.oneof(fc.constantFrom('"2026-11-26"', '"2026-02-30"', '"26-11-2026"', '""'), jsonLiteral),
          roleOrder: fc.oneof(stringListJson, jsonLiteral),
          summaries: fc.oneof(
            { weight: 4, arbitrary: files.map((f) => JSON.stringify(f)) },
            { weight: 1, arbitrary: jsonLiteral },
          ),
          extra: jsonObjectText(['title', 'intro', 'preheader', 'editorNote', 'draft', '$schema']),
        })
        .map(({ subject, date, roleOrder, summaries, extra }) => {
          const inner = extra.slice(1, -1).trim();
          return `{"subject": ${subject}, "date": ${date}, "roleOrder": ${roleOrder}, "summaries": ${summaries}${inner ? `, ${inner}` : ''}}`;
        }),
    ),
  );
}

const VALID_ROLES_YAML = [
  'roles:',
  '  - name: CTO',
  '    aliases: [Chief Technology Officer, Head of Technology]',
  '  - name: Executive',
  '    aliases:',
  '      - CEO',
  '      - Founder',
  '    heading: For executives',
  '  - name: Security Lead',
];

const taxonomyLine = fc.oneof(
  yamlLine,
  fc
    .tuple(fc.constantFrom('  - name: ', '    aliases: ', '    heading: ', '      - ', '  - '), yamlScalar)
    .map(([a, b]) => a + b),
  fc.constantFrom(
    'roles: []',
    'roles: ~',
    'roles: {}',
    '__proto__: {polluted: true}',
    'roles: &r [ *r ]',
    '  - name: &n CTO',
    '    aliases: [*n, *n]',
  ),
);

/** roles.yaml: the valid taxonomy, mutated line by line. */
export const taxonomyDocument = framed(
  fc
    .oneof(
      { weight: 3, arbitrary: edits(taxonomyLine).map((e) => mutateLines(VALID_ROLES_YAML, e)) },
      { weight: 1, arbitrary: fc.array(taxonomyLine, { maxLength: 12 }) },
    )
    .chain(joinLines),
);

const CONFIG_KEYS = [
  'sender',
  'replyTo',
  'listId',
  'brand',
  'footer',
  'urls',
  'unsubscribeMailto',
  'timezone',
  'locale',
  'roleOrder',
  'templates',
  'roles',
  'stateDir',
  'send',
  'sizeLimitKb',
  'sizeWarnKb',
];

/** rolecast.config.json: a valid config with fields replaced, or arbitrary objects, damaged at times. */
export const configDocument = framed(
  damaged(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .record({
            sender: fc.oneof(
              email.chain((e) => hostileText.map((n) => JSON.stringify({ name: n, email: e }))),
              jsonLiteral,
            ),
            footer: fc.oneof(
              hostileText.map((p) => JSON.stringify({ postalAddress: p })),
              jsonLiteral,
            ),
            listId: fc.oneof(
              fc.constant('"weekly.example.com"'),
              hostileText.map((t) => JSON.stringify(t)),
            ),
            send: fc.oneof(jsonObjectText(['concurrency', 'ratePerSecond', 'retries', 'graceHours']), jsonLiteral),
            extra: jsonObjectText(CONFIG_KEYS),
          })
          .map(({ sender, footer, listId, send, extra }) => {
            const inner = extra.slice(1, -1).trim();
            return `{"sender": ${sender}, "footer": ${footer}, "listId": ${listId}, "send": ${send}${inner ? `, ${inner}` : ''}}`;
          }),
      },
      { weight: 1, arbitrary: jsonObjectText(CONFIG_KEYS) },
      { weight: 1, arbitrary: fc.oneof(jsonLiteral, deepJson) },
    ),
  ),
);

/**
 * Raw input: any string (full Unicode, lone surrogates) or any bytes, including invalid UTF-8
 * and Windows-1252 text.
 */
export const rawString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ maxLength: 400 }),
);

export const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  // Windows-1252 text: curly quotes, dashes and the euro sign as single bytes.
  fc
    .array(
      fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x0a, 0x0d)),
      {
        maxLength: 400,
      },
    )
    .map((bytes) => Uint8Array.from(bytes)),
);

/** A document as bytes: text encoded as UTF-8, sometimes with a few raw bytes spliced in. */
export function asBytes(text: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: text.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))) },
    {
      weight: 1,
      arbitrary: fc.tuple(text, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([t, n, extra]) => {
        const bytes = Buffer.from(t, 'utf8');
        const at = bytes.length ? n % bytes.length : 0;
        return new Uint8Array(Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]));
      }),
    },
    { weight: 1, arbitrary: rawBytes },
  );
}
