import { z } from 'zod';
import { LIMITS } from '../load/limits.js';
import { encodedLink, isoDate, oneLine, plainText, safeLink, storyLine } from './_fields.js';

const text = z.string().trim();
const ONE_LINE_HINT = 'write it on one line, without control characters';
const long = plainText(text.max(LIMITS.textLength, `is too long — limit ${LIMITS.textLength} characters`));
const item = plainText(
  text
    .min(1, 'must not be empty')
    .max(LIMITS.itemLength, `is too long — limit ${LIMITS.itemLength} characters per item`),
);
const listOf = <T extends z.ZodType>(entry: T) =>
  z.array(entry).max(LIMITS.listItems, `has too many items — limit ${LIMITS.listItems}`).default([]);
const bullets = listOf(item);
/** Topics: shown as one line, so each is one line too. */
const labels = listOf(storyLine(item, ONE_LINE_HINT));

export const SummarySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a slug: lower-case letters, digits and dashes'),
  title: storyLine(
    text.min(1, 'is required').max(LIMITS.titleLength, `is too long — limit ${LIMITS.titleLength} characters`),
    ONE_LINE_HINT,
  ),
  summary: long.min(1, 'is required'),
  takeaway: long.default(''),
  insights: long.default(''),
  principles: bullets,
  practice: bullets,
  topics: labels,
  roles: z
    .array(
      oneLine(
        text
          .min(1, 'must not be empty')
          .max(LIMITS.roleLength, `is too long — limit ${LIMITS.roleLength} characters per role`),
        ONE_LINE_HINT,
      ),
    )
    .min(1, 'needs at least one audience role ("Best for: …")')
    .max(LIMITS.rolesPerSummary, `has too many roles — limit ${LIMITS.rolesPerSummary}`),
  source: storyLine(
    text.max(LIMITS.titleLength, `is too long — limit ${LIMITS.titleLength} characters`),
    ONE_LINE_HINT,
  ).optional(),
  attribution: long.optional(),
  url: safeLink
    .max(LIMITS.urlLength, `is too long — limit ${LIMITS.urlLength} characters`)
    .transform(encodedLink)
    .optional(),
  /** When the summary was written: orders the content pool, newest first. */
  date: isoDate.optional(),
  /** Pool summaries marked `draft` are listed but never picked for a new issue. */
  status: z.enum(['draft', 'ready'], { error: 'must be "draft" or "ready", in lower case' }).optional(),
});

export type Summary = z.infer<typeof SummarySchema>;
