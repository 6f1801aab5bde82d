import { z } from 'zod';
import { headerSafe, isoDate } from './_fields.js';

export const IssueManifestSchema = z.object({
  $schema: z.string().optional(),
  /** Handlebars template; may use {{roles}}, {{week}}, {{date}}, {{title}}. */
  subject: headerSafe.pipe(z.string().trim().min(1, 'is required')),
  /** The issue's publication date; the digest covers the ISO week it falls in. */
  date: isoDate,
  title: z.string().trim().optional(),
  intro: z.string().trim().optional(),
  preheader: z.string().trim().max(200, 'should stay under 200 characters; inboxes show about 90').optional(),
  editorNote: z.string().trim().optional(),
  /** A draft is previewed and sent like any issue but left out of the public archive. */
  draft: z.boolean().optional(),
  /** Section order for this issue; roles not listed follow in order of first appearance. */
  roleOrder: z.array(z.string().trim().min(1)).optional(),
  /** Summary files relative to the issue folder, in reading order. */
  summaries: z.array(z.string().trim().min(1)).min(1, 'must list at least one summary file'),
});

export type IssueManifest = z.infer<typeof IssueManifestSchema>;
