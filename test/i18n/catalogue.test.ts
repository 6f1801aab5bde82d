import { describe, expect, it } from 'vitest';
import { catalogue, LANGUAGES, languageOf, translator } from '../../src/i18n/index.js';

describe('message catalogue', () => {
  it('picks the shipped language from a locale tag, else the fallback', () => {
    expect(languageOf('de-AT')).toBe('de');
    expect(languageOf('DE')).toBe('de');
    expect(languageOf('fr-FR')).toBe('en');
    expect(languageOf(undefined, 'de')).toBe('de');
  });

  it('fills placeholders and leaves unknown ones as written', () => {
    const t = translator('en');
    expect(t('email.unsubscribe')).toBe('Unsubscribe');
    expect(t('pages.unsubscribe.title', { unused: 1 })).toBe('Unsubscribe');
  });

  it('has every key in every language, translated or falling back to English', () => {
    const keys = Object.keys(catalogue('en')).sort();
    for (const language of LANGUAGES) {
      expect(Object.keys(catalogue(language)).sort()).toEqual(keys);
      for (const key of keys) expect(catalogue(language)[key as keyof ReturnType<typeof catalogue>]).not.toBe('');
    }
    expect(catalogue('de')['email.unsubscribe']).toBe('Abmelden');
  });
});
