import { expect, it } from 'vitest';
import { describeImportStores } from '../helpers/bounce-import.js';

/**
 * A plain-text bounce in the reader's language, with no delivery-status part and none of the English
 * headings read so far ("Unzustellbar" from a German MAILER-DAEMON, "Non remis" from a French
 * postmaster, a Japanese subject in ISO-2022-JP), giving the address and the server's reply on one
 * line, was skipped as a bounce whose failed recipient could not be read, and the dead address went
 * on being mailed. Such lines are now read; an auto-reply, a delay notice and a reply naming another
 * address still suppress nobody.
 */

const NOW = new Date('2026-12-01T12:00:00Z');
const ISSUE = '2026-W48';
const SENDER = 'digest@rolecast.example';
const READER = 'leser@example.de';
const MESSAGE_ID = '<w48.leser@rolecast.example>';

let count = 0;

function bounce(from: string, subject: string, own: string[], original = { to: READER, id: MESSAGE_ID }): string {
  return [
    `From: ${from}`,
    'To: digest@rolecast.example',
    `Subject: ${subject}`,
    'Date: Mon, 30 Nov 2026 08:12:45 +0100',
    `Message-ID: <localised-${++count}@mx.example.de>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="lb"',
    '',
    '--lb',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...own,
    '',
    '--lb',
    'Content-Type: message/rfc822',
    '',
    `From: Rolecast Weekly <${SENDER}>`,
    `To: ${original.to}`,
    'Subject: Your weekly digest',
    `Message-ID: ${original.id}`,
    '',
    'Hello',
    '',
    '--lb--',
    '',
  ].join('\r\n');
}

/** 配信不能 ("undeliverable") in ISO-2022-JP, as Japanese mail systems write a subject. */
const JIS_UNDELIVERABLE = `=?ISO-2022-JP?B?${Buffer.from([
  0x1b, 0x24, 0x42, 0x47, 0x5b, 0x3f, 0x2e, 0x49, 0x54, 0x47, 0x3d, 0x1b, 0x28, 0x42,
]).toString('base64')}?=`;

const HARD: [string, string][] = [
  [
    'German, from MAILER-DAEMON',
    bounce('MAILER-DAEMON@mx.example.de', 'Unzustellbar: Your weekly digest', [
      'Ihre Nachricht konnte nicht zugestellt werden.',
      '',
      `<${READER}>: 550 5.1.1 Benutzer unbekannt`,
    ]),
  ],
  [
    'German, a basic reply code alone',
    bounce('Mail-Administrator <postmaster@mx.example.de>', 'Nicht zustellbar', [
      'Die Nachricht konnte an folgende Empfänger nicht zugestellt werden:',
      '',
      `<${READER}>: 550 Benutzer unbekannt`,
    ]),
  ],
  [
    'French, from postmaster',
    bounce('postmaster@mx.example.fr', 'Non remis : Your weekly digest', [
      "Votre message n'a pas pu être remis.",
      '',
      `<${READER}>: 550 5.1.1 Utilisateur inconnu`,
    ]),
  ],
  [
    'French, the reply on the line below the address',
    bounce('postmaster@mx.example.fr', 'Échec de la remise', [
      'Le message suivant n’a pas pu être remis :',
      '',
      `<${READER}>`,
      '  550 5.1.1 Destinataire inconnu',
    ]),
  ],
  [
    'Spanish',
    bounce('MAILER-DAEMON@mx.example.es', 'No se puede entregar: Your weekly digest', [
      `<${READER}>: host mx.example.es said: 550 5.1.1 Usuario desconocido`,
    ]),
  ],
  [
    'Dutch',
    bounce('postmaster@mx.example.nl', 'Onbestelbaar: Your weekly digest', [
      `<${READER}>: 550 5.1.1 Onbekende gebruiker`,
    ]),
  ],
  [
    'Italian',
    bounce('postmaster@mx.example.it', 'Non recapitabile: Your weekly digest', [
      `<${READER}>: 550 5.1.1 Utente sconosciuto`,
    ]),
  ],
  [
    'Portuguese',
    bounce('postmaster@mx.example.pt', 'Não entregue: Your weekly digest', [
      `<${READER}>: 550 5.1.1 Usuário desconhecido`,
    ]),
  ],
  [
    'Polish',
    bounce('postmaster@mx.example.pl', 'Wiadomość niedostarczalna', [
      `<${READER}>: 550 5.1.1 Brak takiego użytkownika`,
    ]),
  ],
  [
    'Japanese, its subject in ISO-2022-JP',
    bounce('postmaster@mx.example.jp', JIS_UNDELIVERABLE, [`<${READER}>: 550 5.1.1 ユーザーが見つかりません`]),
  ],
];

describeImportStores('a plain-text bounce in another language', (harness) => {
  const importOne = async (mail: string) => {
    const h = harness();
    await h.deliver(ISSUE, READER, MESSAGE_ID);
    const options = { source: 'import:local', softLimit: 3, now: NOW, sender: SENDER };
    return { h, summary: await h.importMails({ 'a.eml': mail }, options) };
  };

  it.each(HARD)('suppresses the reader it names (%s)', async (_, mail) => {
    const { h, summary } = await importOne(mail);
    expect(summary.decisions).toEqual([
      expect.objectContaining({ outcome: 'suppressed', kind: 'hard', email: READER, issueId: ISSUE }),
    ]);
    expect(await h.store.isSuppressed(READER)).toBe(true);
  });

  it.each([
    [
      'a German delay notice',
      bounce('MAILER-DAEMON@mx.example.de', 'Verzögert: Your weekly digest', [
        `<${READER}>: 550 5.1.1 Benutzer unbekannt`,
      ]),
    ],
    [
      'a French delay notice',
      bounce('postmaster@mx.example.fr', 'Remise retardée', [`<${READER}>: 452 4.2.2 Boîte pleine`]),
    ],
    [
      'a German auto-reply from postmaster',
      bounce('postmaster@example.de', 'Automatische Antwort: Nicht zustellbar', [
        `<${READER}>: 550 Benutzer unbekannt`,
      ]),
    ],
    [
      "a bounce of another sender's mail naming another address",
      bounce(
        'MAILER-DAEMON@mx.example.de',
        'Unzustellbar',
        ['<someone.else@example.de>: 550 5.1.1 Benutzer unbekannt'],
        {
          to: 'someone.else@example.de',
          id: '<other@elsewhere.example>',
        },
      ),
    ],
    [
      'a German vacation message from a person',
      bounce('Leser <leser@example.de>', 'Abwesenheitsnotiz: Your weekly digest', [`<${READER}>: 550 nicht im Büro`]),
    ],
  ])('suppresses nobody for %s', async (_, mail) => {
    const { h, summary } = await importOne(mail);
    expect(summary.decisions.filter((d) => 'email' in d && d.email === READER)).toEqual([]);
    expect(await h.store.isSuppressed(READER)).toBe(false);
  });
});
