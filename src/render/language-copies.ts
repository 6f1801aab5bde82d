import type { Variant } from '../group/index.js';
import { type Language, languageOf } from '../i18n/index.js';
import { escapeHtml, joinChunks, joinParts } from './_personal.js';
import type { createTextLineFiller, SentToFiller } from './fill.js';
import type { LanguageRender, languageHtml } from './language-render.js';
import { fillText } from './text-template.js';
import type { PersonalFields, VariantTemplate } from './types.js';

/** A variant's message for a reader, and its template, in the reader's language or the list's. */
export function languageCopies(
  byLanguage: ReadonlyMap<Language, LanguageRender>,
  variant: Variant,
  {
    listLang,
    fillers,
    fillLine,
    html: { htmlChunksOf, keptChunksOf, htmlPartsOf },
  }: {
    listLang: Language;
    fillers: SentToFiller;
    fillLine: ReturnType<typeof createTextLineFiller>;
    html: ReturnType<typeof languageHtml>;
  },
) {
  const own = byLanguage.get(listLang)!;
  const personalise = (fields: PersonalFields) =>
    personaliseIn(byLanguage.get(languageOf(fields.locale, listLang)) ?? own, fields);
  const personaliseIn = (chosen: LanguageRender, fields: PersonalFields) => {
    const values = fillers(fields, chosen.language, variant);
    return {
      subject: chosen.subject,
      html: chosen.pieces
        ? joinChunks(keptChunksOf(chosen), values, escapeHtml)
        : joinParts(htmlPartsOf(chosen), values, escapeHtml),
      text: fillText(chosen.text, values, fillLine),
    };
  };

  const templates = new Map<Language, VariantTemplate>();
  const template = (fields: PersonalFields): VariantTemplate => {
    const chosen = byLanguage.get(languageOf(fields.locale, listLang)) ?? own;
    let found = templates.get(chosen.language);
    if (!found) {
      found = {
        subject: chosen.subject,
        get html() {
          return htmlPartsOf(chosen);
        },
        get htmlChunks() {
          return htmlChunksOf(chosen);
        },
        text: chosen.text,
        values: (reader) => fillers(reader, chosen.language, variant),
        escapeHtml,
        fillTextLine: fillLine,
      };
      templates.set(chosen.language, found);
    }
    return found;
  };
  return { personalise, personaliseIn, template };
}
