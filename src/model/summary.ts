import { z } from 'zod';
import { isoDate, safeLink } from './_fields.js';

const text = z.string().trim();
const bullets = z.array(text.min(1, 'must not be empty')).default([]);

export const SummarySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a slug: lower-case letters, digits and dashes'),
  title: text.min(1, 'is required'),
  summary: text.min(1, 'is required'),
  takeaway: text.default(''),
  insights: text.default(''),
  principles: bullets,
  practice: bullets,
  topics: bullets,
  roles: z.array(text.min(1)).min(1, 'needs at least one audience role ("Best for: …")'),
  source: text.optional(),
  attribution: text.optional(),
  url: safeLink.optional(),
  /** When the summary was written: orders the content pool, newest first. */
  date: isoDate.optional(),
  /** Pool summaries marked `draft` are listed but never picked for a new issue. */
  status: z.enum(['draft', 'ready']).optional(),
});

export type Summary = z.infer<typeof SummarySchema>;
