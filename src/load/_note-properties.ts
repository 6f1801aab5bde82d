import { labelled } from './_text-labels.js';

/** The properties note apps write above an exported note, when and by what it was made or changed. */
const NOTE_PROPERTIES = new Set([
  'created',
  'created time',
  'created at',
  'created on',
  'date created',
  'last edited',
  'last edited time',
  'last modified',
  'modified',
  'updated',
  'updated at',
  'date added',
  'added',
  'saved',
  'saved at',
]);

/** Only what a date and time are written with: "November 30, 2026 9:12 AM", "2026-11-30T09:12Z". */
const DATE_WORDS_ONLY =
  /^(?:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?|\d{1,4}(?:st|nd|rd|th)?|am|pm|utc|gmt|at|t|z|[,./:+\-\s])+$/i;

/**
 * The label of a note app's property line ("Created: November 30, 2026 9:12 AM", "Last edited
 * time: 2026-11-30 09:12"), undefined for any other line: only a date or a time follows the label.
 */
export function notePropertyOf(trimmed: string): string | undefined {
  const found = labelled(trimmed);
  if (!found || !NOTE_PROPERTIES.has(found.label) || found.rest.length > 40) return undefined;
  if (!/\b\d{4}\b|\b\d{1,2}:\d{2}\b/.test(found.rest)) return undefined;
  if (!DATE_WORDS_ONLY.test(found.rest)) return undefined;
  // The label as written: `labelled` lowercases it, and the colon may be a full-width one.
  return trimmed.slice(0, trimmed.search(/[:：]/)).trim();
}
