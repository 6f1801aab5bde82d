import type { Problem } from '../errors.js';
import type { RawSummary } from './_parsed-text.js';

/**
 * The fields a text summary's lines give, with the line of each and the problems found: a summary
 * has one link, one source and one of each pool field, so a second one is an error (which of two was
 * meant cannot be told) rather than silently replacing the first.
 */
export function textFields(file: string) {
  const raw: RawSummary = {};
  const at: Record<string, number> = {};
  const problems: Problem[] = [];
  const warn = (line: number, field: string, message: string, hint: string) =>
    problems.push({ severity: 'warning', file, line, field, message, hint });
  const repeated = (field: string, line: number, what: string, value: unknown): boolean => {
    const first = at[field];
    if (first === undefined) return false;
    // The same value again ("Source: Acme" and "… published by Acme.") says nothing new.
    if (raw[field] === value) return true;
    problems.push({
      severity: 'error',
      file,
      line,
      field,
      message: `a second ${what} (the first is on line ${first})`,
      hint: 'keep one of the two lines',
    });
    return true;
  };

  /** The article's link, unless the summary has another already (then an error); whether it was taken. */
  const takeUrl = (url: string, line: number): boolean => {
    if (repeated('url', line, 'link', url)) return false;
    raw.url = url;
    at.url = line;
    return true;
  };
  /** The source named on `attribution`'s line, unless another was named already (then an error). */
  const takeSource = (attribution: string, name: string, line: number): void => {
    if (repeated('source', line, 'source line', name)) return;
    raw.attribution = attribution;
    raw.source = name;
    at.attribution = line;
    at.source = line;
  };

  return { raw, at, problems, warn, repeated, takeUrl, takeSource };
}
