import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { subscribersCsv } from '../../src/cli/commands/_subscribers-csv.js';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribers, parseSubscribersCsv, readSubscriberCsvStream } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Subscriber lists as real exports write them, and the mistakes in them that must never lose or misdirect a reader. */

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
]);
const lines = (result: { problems: Parameters<typeof formatProblem>[0][] }) => result.problems.map(formatProblem);

/** Both readers: the whole text, and a stream cut into 7-byte pieces. */
async function both(text: string) {
  const whole = parseSubscribersCsv(text, 'list.csv', taxonomy);
  const bytes = Buffer.from(text);
  const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const streamed = await readSubscriberCsvStream(Readable.from(pieces), 'list.csv', taxonomy);
  return [whole, streamed];
}

describe('CSV exports', () => {
  it('refuses a list whose quoted cell is never closed, at the line it opened, with nobody read', async () => {
    const text =
      'email,name,roles\nann@example.com,Ann,"CTO\nbob@example.com,Bob,Executive\ncarl@example.com,Carl,CTO\n';
    for (const result of await both(text)) {
      expect(lines(result)).toEqual([
        expect.stringMatching(/list\.csv:2: .*a quoted cell opened on this line is never closed/),
      ]);
      expect(result.subscribers).toEqual([]);
    }
  });

  it('refuses a row with more cells than the header, naming its line', async () => {
    const text = 'email,name,roles\nann@example.com,Smith, Ann,CTO\nbob@example.com,Bob,CTO\n';
    for (const result of await both(text)) {
      expect(lines(result)).toContainEqual(
        expect.stringMatching(/list\.csv:2: row: has 4 cells, and the header row has 3/),
      );
      expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
    }
    // Empty cells after the last column, as spreadsheets leave them, are fine.
    const [trailing] = await both('email,roles\nann@example.com,CTO,,\n');
    expect(trailing!.problems).toEqual([]);
  });

  it('refuses text after a closing quote, naming its line, where it was joined to the cell', async () => {
    const text =
      'email,name,roles\n"f@example.com"x,F,CTO\ng@example.com,G,"CTO\nExecutive" x\nh@example.com,"H" ,CTO\n';
    for (const result of await both(text)) {
      expect(lines(result)).toEqual([
        expect.stringMatching(/^list\.csv:2: row: has text after the closing quote of a cell — put the text inside/),
        expect.stringMatching(/^list\.csv:4: row: has text after the closing quote of a cell/),
      ]);
      expect(result.subscribers.map((s) => s.email)).toEqual(['h@example.com']);
    }
  });

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('counts a %s line break inside a quoted cell as one line', async (_, eol) => {
    const text = ['email,name,roles', 'a@example.com,A,"CTO', 'Executive"', 'bad@@example.com,B,CTO', ''].join(eol);
    for (const result of await both(text)) {
      expect(result.problems.filter((p) => p.severity === 'error').map((p) => p.line)).toEqual([4]);
    }
  });

  it('refuses an address a wrong encoding garbled, and warns about a garbled name', async () => {
    const text = 'email;name;roles\r\nm\ufffdller@example.de;J\ufffdrgen;CTO\r\n';
    for (const result of await both(text)) {
      expect(lines(result)).toEqual([
        expect.stringMatching(/list\.csv:2: warning: text: holds U\+FFFD/),
        expect.stringMatching(/list\.csv:2: .*email: contains U\+FFFD/),
      ]);
    }
  });

  it("reads Mailchimp, ConvertKit and German email headers, Excel's sep= line, and roles on lines of a cell", async () => {
    for (const header of ['Email Address', 'email_address', 'E-Mail', 'E-Mail-Adresse']) {
      const [result] = await both(`${header},roles\nann@example.com,"CTO\nExecutive"\n`);
      expect(result!.problems).toEqual([]);
      expect(result!.subscribers).toEqual([
        { email: 'ann@example.com', roles: ['CTO', 'Executive'], status: 'active' },
      ]);
    }
    const [excel] = await both('sep=;\nemail;roles\nann@example.com;CTO\n');
    expect(excel!.problems).toEqual([]);
    expect(excel!.subscribers.map((s) => s.email)).toEqual(['ann@example.com']);
  });

  it('refuses a later duplicate that says unsubscribed, in CSV and JSON: the reader is never mailed', async () => {
    const [csv] = await both('email,roles,status\nann@example.com,CTO,active\nAnn@Example.com,CTO,unsubscribed\n');
    expect(lines(csv!)).toEqual([
      expect.stringMatching(/list\.csv:3: .*duplicate of entry \[0\], which is not unsubscribed, and this one is/),
    ]);
    const json = parseSubscribers(
      JSON.stringify([
        { email: 'ann@example.com', roles: ['CTO'] },
        { email: 'ANN@example.com', roles: ['CTO'], status: 'unsubscribed' },
      ]),
      'list.json',
      taxonomy,
    );
    expect(json.problems.map((p) => p.severity)).toEqual(['error']);
    // Both unsubscribed, or the first: one warning as before.
    const [fine] = await both(
      'email,roles,status\nann@example.com,CTO,unsubscribed\nAnn@Example.com,CTO,unsubscribed\n',
    );
    expect(fine!.problems.map((p) => p.severity)).toEqual(['warning']);
  });
});

describe('provider columns', () => {
  it('joins First Name and Last Name into the name, and reads Buttondown and Substack unsubscribes', async () => {
    const [names] = await both('Email Address,First Name,Last Name,roles\nann@example.com,Ann,Lee,CTO\n');
    expect(names!.subscribers).toEqual([
      { email: 'ann@example.com', name: 'Ann Lee', firstName: 'Ann', roles: ['CTO'], status: 'active' },
    ]);
    expect(names!.problems).toEqual([]);
    const [left] = await both(
      'email,roles,subscriber_type,email_disabled\na@example.com,CTO,unsubscribed,\nb@example.com,CTO,regular,true\nc@example.com,CTO,regular,false\n',
    );
    expect(left!.subscribers.map((s) => `${s.email} ${s.status}`)).toEqual([
      'a@example.com unsubscribed',
      'b@example.com unsubscribed',
      'c@example.com active',
    ]);
  });
});

describe("Mailchimp's unsubscribed and cleaned exports", () => {
  it('are readers who left: a time in UNSUB_TIME or CLEAN_TIME is unsubscribed', async () => {
    const header = 'Email Address,First Name,Last Name,Address,MEMBER_RATING,OPTIN_TIME,TIMEZONE,LEID,EUID,NOTES,TAGS';
    const unsubscribed = `${header},UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_REASON\r\nann@example.com,Ann,Lee,"1 Road, Town",2,2024-01-02 10:00:00,America/New_York,1,abc,,"""cto""",2026-11-30 09:12:00,Weekly #47,No longer interested\r\n`;
    const cleaned = `${header},CLEAN_TIME,CLEAN_CAMPAIGN_TITLE\r\nbob@example.com,Bob,,,1,,,2,def,,,2026-11-29 08:00:00,Weekly #46\r\n`;
    for (const text of [unsubscribed, cleaned])
      for (const result of await both(text)) {
        expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(result.subscribers.map((s) => s.status)).toEqual(['unsubscribed']);
      }
    // The audience export (no such column) lists readers to mail.
    const [members] = await both(`${header}\r\ncarl@example.com,Carl,,,2,,,3,ghi,,\r\n`);
    expect(members!.subscribers.map((s) => s.status)).toEqual(['active']);
  });
});

describe('Buttondown and Substack columns', () => {
  const mailed = ['regular', 'Premium', 'gifted', 'trialed', 'churning', 'past_due', 'unpaid'];
  const notMailed = ['unactivated', 'unsubscribed', 'removed', 'complained', 'undeliverable', 'spammy', 'PAUSED'];

  it('mails only the subscriber types that are mailed, and takes the column as read', async () => {
    const rows = [...mailed, ...notMailed].map((type) => `${type}@example.com,CTO,${type}`);
    for (const result of await both(`email,roles,subscriber_type\n${rows.join('\n')}\n`)) {
      expect(result.problems).toEqual([]);
      expect(result.subscribers.map((s) => `${s.email} ${s.status}`)).toEqual([
        ...mailed.map((type) => `${type}@example.com active`),
        ...notMailed.map((type) => `${type}@example.com unsubscribed`),
      ]);
    }
  });

  it('refuses a subscriber type it does not know, once per value, naming the line', async () => {
    const text =
      'email,roles,subscriber_type\na@example.com,CTO,regular\nb@example.com,CTO,lead\nc@example.com,CTO,lead\n';
    for (const result of await both(text)) {
      expect(lines(result)).toEqual([
        expect.stringMatching(
          /^list\.csv:3: subscriber_type: "lead" is not a Buttondown subscriber type rolecast knows.* \(2 rows\) — write regular, premium/,
        ),
      ]);
    }
  });

  it('reads email_disabled as true, 1 or yes in any case, and refuses what is neither', async () => {
    const text =
      'email,roles,email_disabled\na@example.com,CTO, TRUE \nb@example.com,CTO,1\nc@example.com,CTO,"Yes "\nd@example.com,CTO,false\ne@example.com,CTO,0\nf@example.com,CTO,\n';
    for (const result of await both(text)) {
      expect(result.problems).toEqual([]);
      expect(result.subscribers.map((s) => s.status)).toEqual([
        'unsubscribed',
        'unsubscribed',
        'unsubscribed',
        'active',
        'active',
        'active',
      ]);
    }
    for (const result of await both('email,roles,email_disabled\na@example.com,CTO,maybe\n'))
      expect(lines(result)).toEqual([
        expect.stringMatching(/^list\.csv:2: email_disabled: "maybe" is neither true nor false/),
      ]);
  });
});

describe('an export read back', () => {
  // Each starts with what a spreadsheet would run as a formula, or with a `'` the guard must not eat.
  const exported = [
    { email: '+plus@example.com', name: '=Ann', firstName: '@Ann', roles: ['CTO'], status: 'active' as const },
    { email: '-dash@example.com', name: "'=quoted", roles: ['-Ops', 'CTO'], status: 'active' as const },
    { email: '=1+1@example.com', name: "''twice", firstName: "'Tis", roles: ['+Growth'], status: 'active' as const },
    { email: "'quote@example.com", name: '-', roles: [], status: 'unsubscribed' as const },
  ];

  it('holds the same addresses, names and roles, whole and streamed', async () => {
    const csv = subscribersCsv(exported);
    expect(csv).toContain(`"'+plus@example.com"`);
    for (const result of await both(csv)) {
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(result.subscribers).toEqual(exported);
    }
  });

  it('refuses a role holding the roles separator, rather than splitting it', () => {
    expect(() => subscribersCsv([{ email: 'a@example.com', roles: ['R|D'], status: 'active' }])).toThrow(
      /the role "R\|D" of a@example\.com holds \| ; or ,/,
    );
    expect(() => subscribersCsv([{ email: 'a@example.com', roles: ['Sales, EMEA'], status: 'active' }])).toThrow(
      /nothing was exported/,
    );
  });
});

describe('other exports that say who left', () => {
  it("reads Ghost's subscribed_to_emails and Kit's state; a region in a state column is no state of Kit's", async () => {
    const ghost =
      'id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers,roles\n' +
      '65a1,ann@example.com,Ann Lee,,true,false,,2024-01-02T10:00:00.000Z,,,,CTO\n' +
      '65a2,bob@example.com,Bob,,false,false,,2024-01-02T10:00:00.000Z,,,,CTO\n';
    const kit =
      'first_name,email_address,state,created_at,roles\nAnn,ann@example.com,active,2024-01-02,CTO\n' +
      'Bob,bob@example.com,cancelled,2024-01-02,CTO\nCarl,carl@example.com,bounced,2024-01-02,CTO\n' +
      'Dee,dee@example.com,complained,2024-01-02,CTO\nEve,eve@example.com,inactive,2024-01-02,CTO\n';
    const region = 'email,state,roles\nann@example.com,Bavaria,CTO\n';
    for (const result of [...(await both(ghost)), ...(await both(kit))]) {
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(result.subscribers.filter((s) => s.status === 'active').map((s) => s.email)).toEqual(['ann@example.com']);
    }
    for (const result of await both(region)) expect(result.subscribers.map((s) => s.status)).toEqual(['active']);
    for (const result of await both('email,roles,subscribed_to_emails\nann@example.com,CTO,maybe\n'))
      expect(lines(result)).toEqual([expect.stringMatching(/^list\.csv:2: subscribed_to_emails: "maybe" is neither/)]);
  });

  it('mails only the Subscribed contacts of a Mailchimp contact export, never a Non-Subscribed one (a shop customer)', async () => {
    const text =
      'Email Address,First Name,Last Name,Email Marketing,Tags,roles\n' +
      ['Subscribed', 'Non-Subscribed', 'Cleaned', 'Unsubscribed', 'Pending', 'Archived']
        .map((status, i) => `r${i}@example.com,R,${i},${status},,CTO`)
        .join('\n');
    for (const result of await both(text)) {
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(result.subscribers.filter((s) => s.status === 'active').map((s) => s.email)).toEqual(['r0@example.com']);
    }
    for (const result of await both('Email Address,Email Marketing,roles\nann@example.com,VIP,CTO\n'))
      expect(lines(result)).toEqual([expect.stringMatching(/^list\.csv:2: Email Marketing: "VIP" is not a Mailchimp/)]);
  });

  it("reads nothing into a column about another channel: Mailchimp's SMS Marketing, a CRM's SMS Opt Out", async () => {
    // A reader subscribed to the email who left (or never joined) the texts is still mailed.
    const text =
      'Email Address,First Name,Email Marketing,SMS Marketing,SMS Opt Out,roles\n' +
      'ann@example.com,Ann,Subscribed,Unsubscribed,true,CTO\nbob@example.com,Bob,Subscribed,Cleaned,,CTO\n';
    for (const result of await both(text)) {
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(result.subscribers.map((s) => s.status)).toEqual(['active', 'active']);
    }
  });

  it('refuses a CRM export whose Email Opt Out (Salesforce, Zoho) or Unsubscribed from all email (HubSpot) says a reader left', async () => {
    for (const heading of [
      'Email Opt Out',
      'Unsubscribed from all email',
      'HasOptedOutOfEmail',
      'Marketing Opt-Out',
      'EMAIL_BLACKLISTED',
    ]) {
      const text = `Email,First Name,${heading},Opt Out Reason,roles\nann@example.com,Ann,false,,CTO\nbob@example.com,Bob,true,Too many emails,CTO\n`;
      for (const result of await both(text))
        expect(lines(result).filter((l) => !l.includes('warning'))).toEqual([
          `list.csv:3: ${heading.toLowerCase()}: says "true", which rolecast does not read: the reader would be mailed — add a status column saying unsubscribed for readers who left and active for the others (or remove this column)`,
        ]);
    }
  });

  it("refuses a provider's own column saying a reader left beside a status column saying active", async () => {
    for (const [columns, cells, field] of [
      ['subscribed_to_emails', 'false', 'subscribed_to_emails'],
      ['Email Marketing', 'Non-Subscribed', 'email marketing'],
      ['email_disabled', 'true', 'email_disabled'],
      ['subscriber_type', 'unactivated', 'subscriber_type'],
      ['state', 'cancelled', 'state'],
    ]) {
      const text = `email,status,${columns},roles\nann@example.com,active,${cells},CTO\nbob@example.com,unsubscribed,${cells},CTO\n`;
      for (const result of await both(text))
        expect(lines(result).filter((l) => !l.includes('warning'))).toEqual([
          expect.stringMatching(
            new RegExp(
              `^list\\.csv:2: ${field}: says "${cells}".* as "active" — write unsubscribed in the status column`,
            ),
          ),
        ]);
    }
  });

  it('refuses a list where a column rolecast does not read says a reader left, naming the column and line', async () => {
    // Buttondown's newer "type" column, and a spreadsheet's own "Unsubscribed" column.
    const buttondown = 'email,notes,type,roles\nann@example.com,,regular,CTO\nbob@example.com,,unsubscribed,CTO\n';
    const sheet =
      'Timestamp,Email address,Name,Roles,Unsubscribed\n1/2/2024,ann@example.com,Ann,CTO,\n1/2/2024,bob@example.com,Bob,CTO,yes\n';
    const active = 'email,status,list_status,roles\nbob@example.com,active,cleaned,CTO\n';
    for (const [text, pattern] of [
      [
        buttondown,
        /^list\.csv:3: type: says "unsubscribed", which rolecast does not read: the reader would be mailed — add a status column/,
      ],
      [sheet, /^list\.csv:3: unsubscribed: says "yes"/],
      [active, /^list\.csv:2: list_status: says "cleaned".* as "active"/],
    ] as const)
      for (const result of await both(text))
        expect(lines(result).filter((l) => !l.includes('warning'))).toEqual([expect.stringMatching(pattern)]);
  });
});
