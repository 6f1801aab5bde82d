import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import type { Project } from '../load/project.js';
import { compactSummary } from './_text.js';
import { COMPACT_TIPS, summaryParagraphs } from './cards.js';

/** How many summaries the warning names before it counts the rest. */
const NAMED = 5;

/**
 * Compact cards (the default) leave out principles, tips after the third and a summary's words
 * after about sixty; a cut card links the whole summary on its archive page. Without `urls.archive`
 * there is no such page, so that text reaches no reader, while the editor edition (what a test
 * mail shows) prints it in full: one warning names the summaries it happens to.
 */
export function unreadableTextWarnings(project: Project, cwd?: string): Problem[] {
  const { config, issue } = project;
  if (config.cards.style !== 'compact' || config.urls.archive) return [];
  const left: string[] = [];
  for (const summary of issue.summaries) {
    const parts: string[] = [];
    if (compactSummary(summaryParagraphs(summary)).cut) parts.push('the summary after about 60 words');
    if (summary.principles.length) parts.push(`${summary.principles.length} principle(s)`);
    const tips = summary.practice.length - COMPACT_TIPS;
    if (tips > 0) parts.push(`${tips} tip(s) after the third`);
    if (parts.length) left.push(`${displayPath(issue.files.get(summary.id) ?? summary.id, cwd)} (${parts.join(', ')})`);
  }
  if (!left.length) return [];
  const more = left.length > NAMED ? `; and ${left.length - NAMED} more` : '';
  return [
    {
      severity: 'warning',
      file: config.file ? displayPath(config.file, cwd) : 'rolecast.config.json',
      field: 'cards.style',
      message: `compact cards leave out text of ${left.length} summary(ies) that no reader can read elsewhere, as urls.archive is not set: ${left.slice(0, NAMED).join('; ')}${more}`,
      hint: 'set "cards": { "style": "full" } in rolecast.config.json to send everything, or set urls.archive (and publish rolecast archive) so a cut card links to the whole summary',
    },
  ];
}
