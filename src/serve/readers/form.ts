import { toOneLine } from '../../model/_fields.js';
import { multipartFields } from '../body.js';

/**
 * Form bodies as the reader pages accept them: `application/x-www-form-urlencoded` or
 * `multipart/form-data` from a browser, or JSON from a script. Repeated fields (role checkboxes) become lists.
 */
export type FormFields = Map<string, string[]>;

export function parseForm(contentType: string | undefined, body: Buffer): FormFields | undefined {
  const type = (contentType ?? '').toLowerCase();
  const text = body.toString('utf8');
  const fields: FormFields = new Map();
  if (type.startsWith('application/json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    for (const [key, raw] of Object.entries(value)) {
      const list = Array.isArray(raw) ? raw : [raw];
      fields.set(key, list.filter((v) => typeof v === 'string' || typeof v === 'number').map(String));
    }
    return fields;
  }
  // A form pasted into another site may post multipart (its page builder's choice, or enctype).
  if (type.startsWith('multipart/form-data')) return multipartFields(contentType!, text);
  if (type === '' || type.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(text)) fields.set(key, [...(fields.get(key) ?? []), value]);
    return fields;
  }
  return undefined;
}

export function field(fields: FormFields, name: string): string {
  return (fields.get(name)?.[0] ?? '').trim();
}

/**
 * A field shown on one line and written into headers (a reader's name): line breaks and control
 * characters become one space, as the subscriber file's rules require, and it is cut to `max`
 * UTF-16 units, as those rules count, without splitting a surrogate pair. A form field cannot hold
 * a line break, so only a script sends one: cleaning it keeps the reader's other changes.
 */
export function lineField(fields: FormFields, name: string, max: number): string {
  const clean = toOneLine(field(fields, name));
  if (clean.length <= max) return clean;
  const high = clean.charCodeAt(max - 1);
  const end = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
  return clean.slice(0, end).trim();
}

export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('application/json');
}

/** Whether a body of this type is one `parseForm` reads (a form's or JSON), whatever it holds. */
export function isFormType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').toLowerCase();
  return (
    type === '' ||
    isJson(type) ||
    type.startsWith('application/x-www-form-urlencoded') ||
    type.startsWith('multipart/form-data')
  );
}
