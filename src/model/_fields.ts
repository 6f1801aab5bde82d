import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/** Links in content may only be http(s) or mailto: anything else (javascript:, data:) is refused. */
export const safeLink = z
  .string()
  .trim()
  .refine((value) => /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(value) && parsesAsUrl(value), {
    message: 'must be an http(s):// or mailto: link',
  });

/** Web addresses the tool itself builds on (unsubscribe, archive): http(s) only. */
export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && parsesAsUrl(value), {
    message: 'must be an http:// or https:// URL',
  });

export const isoDate = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid, {
    message: 'must be a date written as YYYY-MM-DD',
  });

export const ianaZone = z.string().refine((value) => IANAZone.isValidZone(value), {
  message: 'is not a known IANA time zone (e.g. Europe/Berlin, America/New_York)',
});

/** Header-bound text: CR or LF would let content inject extra headers. */
export const headerSafe = z.string().refine((value) => !/[\r\n]/.test(value), {
  message: 'must not contain line breaks',
});

export const email = z
  .string()
  .trim()
  .refine((value) => /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/.test(value), {
    message: 'is not a valid email address',
  });

function parsesAsUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
