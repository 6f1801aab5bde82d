import { readFile } from 'node:fs/promises';
import type { Problem } from '../errors.js';
import {
  type IssueManifest,
  IssueManifestSchema,
  SUBJECT_VALUES,
  subjectTemplateProblem,
  unknownSubjectNames,
} from '../model/issue.js';
import { closestWord } from '../suggest.js';
import { decodeText, encodingWarnings } from './_decode.js';
import { JsonSyntaxError, parseJsonWithLines } from './_json-lines.js';
import { rootListProblem } from './_root-list.js';
import { unknownKeyWarnings } from './_unknown-keys.js';
import { zodProblems } from './_validate.js';
import { MANIFEST_FILE } from './issue-file.js';
import { byteLength, fileSize, jsonTooDeepAt, LIMITS, tooDeep, tooLarge } from './limits.js';

export type ParsedManifest = ReturnType<typeof parseJsonWithLines>;

/**
 * issue.json read, within its size and depth limits, and checked against its schema: the manifest
 * with the parse that gives each field its line, or the problems that stop the issue loading.
 * `manifestText`: the text in place of the file's.
 */
export async function readManifest(
  manifestFile: string,
  shown: string,
  manifestText: string | undefined,
): Promise<{ manifest: IssueManifest; parsed: ParsedManifest; problems: Problem[] } | { problems: Problem[] }> {
  const size = manifestText === undefined ? await fileSize(manifestFile) : undefined;
  if (size !== undefined && size > LIMITS.smallFileBytes)
    return { problems: [tooLarge(shown, size, LIMITS.smallFileBytes)] };
  let text: string;
  // Saved by a Windows editor as Windows-1252 or UTF-16, read as UTF-8 its subject and intro would
  // reach every reader with U+FFFD in place of each quote, dash and accent.
  let encoding: Problem[] = [];
  try {
    if (manifestText !== undefined) text = manifestText;
    else {
      const decoded = decodeText(await readFile(manifestFile));
      text = decoded.text;
      encoding = encodingWarnings(decoded, shown);
    }
  } catch {
    return {
      problems: [
        {
          severity: 'error',
          file: shown,
          field: 'file',
          message: 'not found',
          hint: `an issue folder needs an ${MANIFEST_FILE}; check the folder name or create one (see README)`,
        },
      ],
    };
  }

  const length = byteLength(text);
  if (length > LIMITS.smallFileBytes) return { problems: [tooLarge(shown, length, LIMITS.smallFileBytes)] };
  const deepAt = jsonTooDeepAt(text);
  if (deepAt !== undefined) return { problems: [tooDeep(shown, deepAt, 'json')] };
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return {
      problems: [
        ...encoding,
        {
          severity: 'error',
          file: shown,
          line: error.line,
          field: 'json',
          message: `invalid JSON: ${error.message}`,
          hint: 'fix the JSON syntax',
        },
      ],
    };
  }
  if (Array.isArray(parsed.value))
    return {
      problems: [
        ...encoding,
        {
          severity: 'error',
          file: shown,
          line: 1,
          field: '(root)',
          ...rootListProblem(
            parsed.value,
            'issue',
            `an issue folder holds one ${MANIFEST_FILE}: write one issue's object alone, without the [ … ] around it`,
          ),
        },
      ],
    };
  const result = IssueManifestSchema.safeParse(parsed.value, { reportInput: true });
  if (!result.success) {
    // With the misspelt keys: "summary" for "summaries" is often why a field is missing.
    const problems = zodProblems(result.error, shown, parsed.lineOf);
    return {
      problems: [
        ...encoding,
        ...problems,
        ...unknownKeyWarnings(parsed.value, IssueManifestSchema, shown, parsed.lineOf),
      ],
    };
  }
  return { manifest: result.data, parsed, problems: encoding };
}

/** The subject and each override's subject: a broken template, or a value no subject has. */
export function subjectProblems(manifest: IssueManifest, shown: string, lineOf: ParsedManifest['lineOf']): Problem[] {
  const problems: Problem[] = [];
  const subjects: [(string | number)[], string][] = [[['subject'], manifest.subject]];
  for (const [key, override] of Object.entries(manifest.overrides ?? {}))
    if (override.subject) subjects.push([['overrides', key, 'subject'], override.subject]);
  for (const [path, subject] of subjects) {
    // Found here, without loading Handlebars, rather than at render time, where the error names no
    // file, line or override.
    const broken = subjectTemplateProblem(subject);
    if (broken) {
      problems.push({
        severity: 'error',
        file: shown,
        line: lineOf(path),
        field: path.join('.'),
        message: `is not a valid template: ${broken}`,
        hint: 'close each {{#if …}} with {{/if}} and each {{#each …}} with {{/each}}, and write values as {{lead}}',
      });
      continue;
    }
    for (const name of unknownSubjectNames(subject)) {
      const closest = closestWord(name, SUBJECT_VALUES);
      problems.push({
        severity: 'error',
        file: shown,
        line: lineOf(path),
        field: path.join('.'),
        message: `reads {{${name}}}, which is no subject value and would be written as nothing`,
        hint: `${closest ? `did you mean {{${closest}}}? ` : ''}the values are ${SUBJECT_VALUES.map((v) => `{{${v}}}`).join(', ')}`,
      });
    }
  }
  return problems;
}
