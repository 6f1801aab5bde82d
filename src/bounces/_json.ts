/** Reading untrusted JSON (a provider's notification) field by field, never trusting its types. */

/** Parsed JSON, or undefined for a body that is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function dateOf(value: unknown, fallback: Date): Date {
  const raw = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? fallback : date;
}
