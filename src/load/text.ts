import type { ParsedText, TextOptions } from './_parsed-text.js';
import { sameAddress } from './_source-address.js';
import { splitRoles } from './_split-roles.js';
import { previousEndsBlock } from './_text-blocks.js';
import { unboldedLines } from './_text-bold.js';
import {
  bulletOf,
  carriesOn,
  crampedBulletOf,
  ENDS_SENTENCE,
  enDashItemAbove,
  endsItem,
  isName,
  isSentence,
  quoteAbove,
  withoutTaskBox,
} from './_text-bullets.js';
import { ATTRIBUTION_WORDS, closesFile, closingLine, continuesRoles, PUBLISHED_AT } from './_text-closing.js';
import { readClosingSource } from './_text-closing-source.js';
import { textFacts } from './_text-facts.js';
import { readFieldLine } from './_text-field-lines.js';
import { textFields } from './_text-fields.js';
import { dashHeadingOf, headingOf, nearMissHeadingOf, SECTIONS, sectionAgain, stripHashes } from './_text-headings.js';
import {
  BEST_FOR_WITHOUT_COLON,
  bestForOf,
  followsLinkLabel,
  isBareUrl,
  isDigit,
  isSpace,
  opensWithWideLabel,
  ROLES_AFTER_DASH,
  slackLinkLineOf,
  unreadLinkLine,
  wideLabelEndsProse,
  withoutLeadingSymbols,
} from './_text-labels.js';
import { joinLines, lastNonBlank, splitLines } from './_text-lines.js';
import { SectionText } from './_text-sections.js';
import { isUnknownHeading, openUnknownHeading } from './_text-unknown-headings.js';
import { wordSubBulletOf } from './_word-bullets.js';

export type { ParsedText, RawSummary, TextOptions } from './_parsed-text.js';
export { LIST_JOINER, splitRoles } from './_split-roles.js';
export { joinLines, splitLines } from './_text-lines.js';

/**
 * Reads the editorial-summary text format: a title line, then headed sections, a `Best for:` line,
 * a `Related on …` line and an attribution line. Returns raw fields plus the line each came from;
 * validation happens later, against the same schema every format goes through.
 */
export function parseSummaryText(text: string, file: string, options: TextOptions = {}): ParsedText {
  const hasTitle = options.hasTitle ?? true;
  // The file's line number of the text's first line: a Markdown body starts below its frontmatter,
  // and every line a problem names or a message quotes is the file's.
  const firstLine = options.firstLine ?? 1;
  const lines = unboldedLines(splitLines(text), options.literal);
  const fields = textFields(file);
  const { raw, at, problems, warn, takeUrl, takeSource } = fields;

  const block = new SectionText(raw, options.written, options.unseenItem);
  const { flush, writtenOut, unseen } = block;
  // "- Logs, Metrics and Traces" is one topic; "AI, Security, Cost" on a line of its own is three.
  let topicsMarked = false;
  let ignoring = false;
  let bestForWithoutColon: ParsedText['bestForWithoutColon'];
  const { nextText, hasSourceLine, hasLinkLine, rolesElsewhere, linkElsewhere, namesSummary } = textFacts(lines, {
    ...options,
    hasTitle,
  });

  // Slack links alone on a line that another line's link stands beside: warned about at the end.
  const slackLinksLeft: { line: number; address: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + firstLine;
    if (options.skip?.has(index)) continue;
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '') {
      if (block.paragraph.length && !unseen(block.paragraph))
        block.paragraphs.push(writtenOut(block.paragraph, block.section?.field));
      block.paragraph = [];
      continue;
    }

    if (hasTitle && raw.title === undefined && !block.section && !ignoring) {
      if (headingOf(trimmed) || bestForOf(trimmed) !== undefined) {
        problems.push({
          severity: 'error',
          file,
          line: lineNo,
          field: 'title',
          message: `is missing: the first line is the "${trimmed}" heading`,
          hint: 'put the article title alone on the first line; a title that starts like a heading is written "Title: …"',
        });
        raw.title = '';
      } else {
        const title = stripHashes(trimmed);
        // A "Title:" label's value is read as written, as every label's is, and so is a code fence's line.
        const labelled = /^title\s*:\s*/i.exec(title);
        raw.title = labelled
          ? title.slice(labelled[0].length)
          : joinLines([{ text: title, literal: options.literal?.has(index) }], options.written);
        at.title = lineNo;
        continue;
      }
    }

    if (options.literal?.has(index)) {
      if (ignoring) continue;
      if (!block.section)
        warn(lineNo, 'text', 'text outside any section is ignored', 'put it under a heading such as "Summary"');
      else if (block.section.kind === 'paragraph') block.paragraph.push({ text: trimmed, literal: true });
      else if (block.bullets.length) block.bullets[block.bullets.length - 1]!.push({ text: trimmed, literal: true });
      else block.bullets.push([{ text: trimmed, literal: true }]);
      continue;
    }

    // A line that goes on a paragraph whose last line ended mid-sentence (a hard-wrapped line) is
    // its text, even when it starts like a label ("source: …", "related on …", "1998. Since …").
    // A line ending in 。！？ ends its sentence only for a label typed as CJK input methods type it
    // ("Topics：…"): a "Source: …" line below one has always been more of the paragraph.
    const continuing =
      block.section?.kind === 'paragraph' &&
      block.paragraph.length > 0 &&
      !ENDS_SENTENCE.test(lines[index - 1]!.trim()) &&
      !(/[。．！？]$/.test(lines[index - 1]!.trim()) && opensWithWideLabel(trimmed) && wideLabelEndsProse(trimmed)) &&
      !followsLinkLabel(lines[index - 1]!.trim(), trimmed);
    // In a numbered list, "3. Practice" is one of its items; after a list with other markers it is a heading.
    // A dash heading never opens the text (a Markdown body's first line is its summary's).
    // A dash heading opens a block (after a blank line), never the middle of a paragraph or list,
    // except "Key takeaway — …", which prose hardly opens with ("In practice — most teams…" does).
    const opensBlock = index > 0 && lines[index - 1]!.trim() === '';
    const dashed = Object.keys(at).length > 0 ? dashHeadingOf(trimmed, at, lines) : undefined;
    const found = headingOf(trimmed) ?? (opensBlock || dashed?.name === 'key takeaway' ? dashed : undefined);
    const numberedList = block.section?.kind === 'bullets' && [...block.markers].some((mark) => isDigit(mark));
    // "Topics: the author covers eval sets, logs and costs." inside a summary is one of its sentences.
    const sentence = block.section?.kind === 'paragraph' && found?.inline !== undefined && isSentence(found.inline);
    const heading = (found?.numbered && numberedList) || sentence ? undefined : found;
    if (heading && !(continuing && heading.inline)) {
      flush();
      ignoring = false;
      const known = SECTIONS.get(heading.name);
      if (known) {
        if (at[known.field] !== undefined)
          warn(
            lineNo,
            known.field,
            sectionAgain(heading.text, known.field, at[known.field]!),
            'merge the two sections',
          );
        block.section = { ...known, line: lineNo };
        at[known.field] ??= lineNo;
        if (heading.inline) {
          if (known.kind === 'paragraph') block.paragraph.push({ text: heading.inline });
          // "Topics: AI, Security" on one line is a list of labels.
          else if (known.field === 'topics')
            block.bullets = block.bullets.concat(
              splitRoles(heading.inline.replace(/;/g, ','), true).map((text) => [{ text }]),
            );
          else block.bullets.push([{ text: heading.inline }]);
        }
      }
      continue;
    }

    // "…pitched at a broad / audience: directors, …" goes on a sentence; "Best for:" starts its own line.
    // In CJK prose, "Roles：工程经理、架构师都需要……" is more of it when the roles are given elsewhere:
    // only "Best for：" starts a line there. Without another, that line is the roles, as it always was.
    const prose =
      !/^[A-Z]/.test(trimmed) || (opensWithWideLabel(trimmed) && !wideLabelEndsProse(trimmed) && rolesElsewhere(index));
    let bestFor = continuing && prose ? undefined : bestForOf(trimmed);
    if (bestFor !== undefined) {
      flush();
      ignoring = false;
      // A list wrapped after a comma goes on in the next lines: "Best for: CTO, Executive," then
      // "Engineering Manager".
      while (/,\s*$/.test(bestFor) && continuesRoles(lines[index + 1]?.trim() ?? '')) {
        index++;
        bestFor = `${bestFor} ${lines[index]!.trim()}`;
      }
      const roles = splitRoles(bestFor, true);
      if (at.roles !== undefined) {
        // A second "Best for:" adds its roles: none of the readers either line names loses the summary.
        warn(lineNo, 'roles', `"Best for:" appears again (first on line ${at.roles})`, 'merge the two lines into one');
        raw.roles = [...(Array.isArray(raw.roles) ? raw.roles : []), ...roles];
      } else {
        raw.roles = roles;
        at.roles = lineNo;
      }
      if (bestFor === '') block.section = { field: 'roles', kind: 'bullets', line: lineNo };
      continue;
    }

    if (
      bestForWithoutColon === undefined &&
      (BEST_FOR_WITHOUT_COLON.test(trimmed) || ROLES_AFTER_DASH.test(withoutLeadingSymbols(trimmed)))
    )
      bestForWithoutColon = { line: lineNo, text: trimmed.slice(0, 60) };

    if (
      !continuing &&
      readFieldLine(trimmed, lineNo, fields, {
        file,
        flush,
        inParagraph: block.section?.kind === 'paragraph',
        hasLinkLine,
      })
    )
      continue;

    // Below "Best for:" and outside any section, the lines that end a summary (see readClosingSource).
    const ending: { ignoring?: boolean } | undefined =
      continuing || block.section || ignoring || at.roles === undefined || at.roles >= lineNo
        ? undefined
        : readClosingSource(trimmed, line, index, lineNo, fields, { lines, nextText, hasSourceLine, linkElsewhere });
    if (ending !== undefined) {
      if (ending.ignoring !== undefined) ignoring = ending.ignoring;
      continue;
    }

    // "Key takeaway(s)", "Key insights (optional)" on a line of their own: a section's own name with
    // a note, read as that section when it has none yet. Any other line with ( ) or ; stays text
    // ("Control (placebo)", "Jane Doe (Acme)", "TL;DR").
    const nearMiss =
      !continuing && !ignoring && previousEndsBlock(lines, index, nextText) && nextText[index + 1] !== undefined
        ? nearMissHeadingOf(trimmed, at, lines, nextText[index + 1]!)
        : undefined;
    if (nearMiss !== undefined) {
      flush();
      // Read without a warning: the section is plain, and a file that loaded before warns no more.
      const known = SECTIONS.get(nearMiss)!;
      block.section = { ...known, line: lineNo };
      at[known.field] = lineNo;
      continue;
    }

    // A Markdown heading marker ("## Pitfalls") makes a heading whatever its words: read as text,
    // it would run into the paragraph above and reach readers with its hashes.
    const unmarked = stripHashes(trimmed);
    if (isUnknownHeading(trimmed, unmarked, index, lines, nextText, block.section?.kind)) {
      flush();
      ignoring = openUnknownHeading(unmarked.replace(/:$/, ''), lineNo, fields, block);
      continue;
    }

    if (ignoring) continue;

    // A Slack link alone on a line ("<https://…|text>") is the article's link when no other line gives
    // one; beside another it is left out with a warning. Its markup never reaches readers.
    const slackLink = slackLinkLineOf(trimmed);
    if (slackLink !== undefined) {
      if (at.url === undefined && !linkElsewhere(index) && takeUrl(slackLink, lineNo)) continue;
      slackLinksLeft.push({ line: lineNo, address: slackLink });
      continue;
    }

    // A Markdown body's text before its first heading is its summary, when no heading names one.
    if (!block.section && !hasTitle && at.summary === undefined && !namesSummary) {
      block.section = { field: 'summary', kind: 'paragraph', line: lineNo };
      at.summary = lineNo;
    }
    if (!block.section) {
      // The article's address on a line of its own, below the sections.
      if (isBareUrl(trimmed) && takeUrl(trimmed, lineNo)) continue;
      // Or a Markdown link alone on a line there, when the summary gives no other link.
      const alone = options.aloneLinks?.get(index);
      if (alone !== undefined && at.url === undefined && !linkElsewhere(index) && takeUrl(alone, lineNo)) continue;
      if (raw.attribution === undefined && index > 0 && ATTRIBUTION_WORDS.test(trimmed)) {
        raw.attribution = trimmed;
        at.attribution = lineNo;
        // "Originally published at https://…" names where the article is: its link, when there is no other.
        const original = PUBLISHED_AT.exec(trimmed)?.[1];
        if (original !== undefined && at.url === undefined && !linkElsewhere(index)) takeUrl(original, lineNo);
        continue;
      }
      const unread = unreadLinkLine(trimmed);
      if (unread) warn(lineNo, 'url', unread.message, unread.hint);
      else warn(lineNo, 'text', 'text outside any section is ignored', 'put it under a heading such as "Summary"');
      continue;
    }

    // A number or a dash opening a wrapped line ("founded in / 1998. Since then", "not the / – often
    // smaller – set") is not a list marker.
    let bullet = continuing && /^\s*[\d–—]/.test(line) ? undefined : withoutTaskBox(bulletOf(line));
    // "-Second item" in a list the same marker opens: an item missing its space, not the item
    // above going on (a wrapped line does not start with a dash and a capital).
    const cramped =
      bullet === undefined && block.section.kind === 'bullets' ? crampedBulletOf(line, block.markers) : undefined;
    if (cramped !== undefined) {
      bullet = cramped;
      warn(
        lineNo,
        block.section.field,
        `"${trimmed.slice(0, 30)}" has no space after its list marker`,
        `write "${trimmed[0]} ${cramped.slice(0, 20)}"`,
      );
    }
    // Word pastes a second-level bullet as the letter "o" (its Courier New circle): an indented "o" or
    // one before a tab opens an item of its own (see wordSubBulletOf).
    if (bullet === undefined && !continuing)
      bullet = wordSubBulletOf(line, lines[index - 1], block.section.kind === 'bullets' && block.markers.size > 0);
    // Below a list, the lines that end a summary: "— Name, Publication" (when the list's own
    // markers are others), "Via Publication" and the article's address on a line of its own.
    // Only where nothing but such lines follows: "- Read the guide at" / "https://…" is one item.
    const closing =
      block.section.kind === 'bullets' &&
      block.markers.size > 0 &&
      closesFile(nextText[index + 1]) &&
      (bullet !== undefined || (!isSpace(line[0]) && endsItem(lines[index - 1]!.trim(), block.section.field)))
        ? closingLine(trimmed, bullet, block.markers)
        : undefined;
    if (closing) {
      flush();
      if (closing.url !== undefined) takeUrl(closing.url, lineNo);
      else takeSource(trimmed, closing.source, lineNo);
      continue;
    }
    if (block.section.kind === 'bullets') {
      const afterBlank = lines[index - 1]?.trim() === '';
      if (bullet !== undefined) {
        block.bullets.push([{ text: bullet }]);
        block.markers.add(trimmed[0]!);
        if (block.section.field === 'topics') topicsMarked = true;
      } else if (
        block.bullets.length &&
        (block.markers.size > 0 ? !afterBlank : carriesOn(lines[index - 1]!.trim(), trimmed))
      ) {
        // A wrapped item goes on; in a list written without markers, one line is one item unless it
        // carries on the line before (see carriesOn).
        block.bullets[block.bullets.length - 1]!.push({ text: trimmed });
      } else block.bullets.push([{ text: trimmed }]);
    } else if (
      bullet !== undefined &&
      trimmed[0] === '—' &&
      block.paragraph.length > 0 &&
      ((quoteAbove(lines[index - 1]!) && !/^\s*[—–]\s/.test(lines[index + 1] ?? '')) ||
        (enDashItemAbove(lines[index - 1]!) && !/^\s*—\s/.test(lines[index + 1] ?? ''))) &&
      isName(bullet.replace(/\.$/, ''))
    ) {
      // "— Jane Doe, CTO at Example Corp" under a quotation (not under an item of an em-dash list)
      // is who said it, not a list item: it stays with the quote, dash and all. One with another dash
      // line under it opens an em-dash list.
      block.paragraph.push({ text: trimmed });
    } else if (bullet !== undefined) {
      // Bullets under a paragraph section (e.g. several key insights): one paragraph each, no markers.
      if (block.paragraph.length && !unseen(block.paragraph))
        block.paragraphs.push(writtenOut(block.paragraph, block.section.field));
      block.paragraph = [{ text: bullet }];
    } else {
      block.paragraph.push({ text: trimmed });
    }
  }
  flush();
  // Known once every line is read: one repeating the link says nothing new.
  for (const { line, address } of slackLinksLeft)
    if (!(typeof raw.url === 'string' && sameAddress(raw.url, address)))
      warn(
        line,
        'url',
        'this Slack link is left out: another line gives the article link',
        'keep the link in one place: delete this line or the other link',
      );

  if (Array.isArray(raw.roles)) raw.roles = (raw.roles as string[]).flatMap((r) => splitRoles(r, true));
  if (Array.isArray(raw.topics) && raw.topics.length === 1 && !topicsMarked)
    raw.topics = splitRoles(String(raw.topics[0]).replace(/;/g, ','), true);
  return {
    raw,
    lines: at,
    problems,
    missingLine: lastNonBlank(lines),
    ...(bestForWithoutColon ? { bestForWithoutColon } : {}),
  };
}
