import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Exports from providers set to another language write "Abgemeldet", "Désabonné" or "Dado de baja"
 * where an English one writes Unsubscribed. Passed over as an unknown column, the reader who left
 * would be mailed: the list is refused at that reader's line instead.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const read = (text: string) => parseSubscribersCsv(text, 'export.csv', taxonomy);
const errors = (text: string) =>
  read(text)
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem);

describe('a subscriber export saying in another language that a reader left', () => {
  it.each([
    ['Abgemeldet', 'ja', 'nein'],
    ['Désabonné', 'oui', 'non'],
    ['Desabonne', 'Oui', 'Non'],
    ['Dado de baja', 'sí', 'no'],
    ['Désinscrit', 'vrai', 'faux'],
    ['Afgemeld', 'ja', 'nee'],
  ])('a %s column of %s is refused at that reader line', (heading, yes, no) => {
    const text = `email,roles,${heading}\nstay@example.com,CTO,${no}\nleft@example.com,CTO,${yes}\n`;
    expect(errors(text)).toEqual([expect.stringMatching(/^export\.csv:3: .*says "\S+", which rolecast does not read/)]);
  });

  it.each([
    ['Statut', 'désinscrit'],
    ['Status Newsletter', 'Abgemeldet'],
    ['Estado', 'Dado de baja'],
    ['Stato', 'disiscritto'],
    ['Situação', 'Descadastrado'],
    ['Mailchimp Status', 'Bereinigt'],
  ])('a %s column saying %s is refused at that reader line', (heading, word) => {
    const text = `email,roles,${heading}\nstay@example.com,CTO,\nleft@example.com,CTO,${word}\n`;
    expect(errors(text)).toEqual([expect.stringMatching(/^export\.csv:3: .*which rolecast does not read/)]);
  });

  it('reads the list when the status column says the reader left, whatever else does', () => {
    const text =
      'email,roles,status,Abgemeldet\nleft@example.com,CTO,unsubscribed,ja\nstay@example.com,CTO,active,nein\n';
    const result = read(text);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.subscribers.map((s) => [s.email, s.status])).toEqual([
      ['left@example.com', 'unsubscribed'],
      ['stay@example.com', 'active'],
    ]);
  });
});
