import { describe, expect, it } from 'vitest';
import { catalogue, translator } from '../../src/i18n/index.js';
import { confirmationMail } from '../../src/serve/readers/mail.js';

/**
 * The German catalogue as a reader reads it: every text keeps the English one's placeholders (a
 * lost one drops an address or a link, an extra one shows its name), and the confirmation mail says
 * what it asks in German a reader would write.
 */

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the German catalogue', () => {
  it('keeps the placeholders of every English text', () => {
    const english = catalogue('en') as Record<string, string>;
    const german = catalogue('de') as Record<string, string>;
    const differing = Object.keys(english).filter(
      (key) => placeholders(english[key]!).join() !== placeholders(german[key]!).join(),
    );
    expect(differing).toEqual([]);
  });

  it('asks in the confirmation mail to receive the list at the address, by a link that works only once', () => {
    const mail = confirmationMail(translator('de'), 'Rolecast', 'leser@example.de', 'https://x.test/c', 48, 'de');
    expect(mail.body).toBe(
      'Jemand, hoffentlich Sie, möchte Rolecast unter dieser Adresse erhalten. Bitte bestätigen Sie, damit der Versand beginnt.',
    );
    expect(mail.notes[0]).toBe('Der Link funktioniert nur einmal und läuft in 48 Stunden ab.');
    expect(translator('de')('pages.confirm.used.body')).toMatch(/^Jeder Bestätigungslink funktioniert nur einmal\./);
  });
});
