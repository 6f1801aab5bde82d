import type { Project } from '../load/project.js';
import type { FieldTokens, FieldValues } from './_personal.js';
import type { SentToFiller } from './fill.js';
import type { LanguageRender, languageHtml } from './language-render.js';
import { listLongestReaders, roomReaders } from './list-room.js';
import { longestReader, longestRoom, roomFieldUses } from './personal-room.js';
import { createPieceGates } from './piece-gates.js';
import { longestRoleHolders } from './quiet-room.js';
import { sampleFields } from './sample-reader.js';
import { frameSizes, type SampleGates } from './size-gate.js';
import { textSizer } from './text-template.js';

const SIZE_ESTIMATE_KEY = 'size-estimate-only';

/**
 * What the size and content gates measure a variant with: a sample reader, room for the longest
 * reader's fields, the sample's gates read from pieces, and the message's frame.
 */
export function createSampleMeasures(
  project: Project,
  {
    fillers,
    tokens,
    issueFile,
    htmlPartsOf,
  }: {
    fillers: SentToFiller;
    tokens: FieldTokens;
    issueFile: string;
    htmlPartsOf: ReturnType<typeof languageHtml>['htmlPartsOf'];
  },
) {
  const { config } = project;
  const sampleReader = sampleFields(config, project.issue.id, SIZE_ESTIMATE_KEY);
  // With the list, room for its own longest values; without, for the longest it could hold.
  const listLongest = project.subscribers?.length
    ? listLongestReaders(config, project.issue.id, SIZE_ESTIMATE_KEY, roomReaders(project.subscribers))
    : [];
  const longest = listLongest.length ? listLongest : [longestReader(config, project.issue.id, SIZE_ESTIMATE_KEY)];
  // The footer's quiet roles are the reader's own too: the list's longest role names, or the longest accepted.
  const roleNames = listLongest.length ? longestRoleHolders(project.subscribers!).names : undefined;
  const longestOf = longestRoom(longest, fillers);
  /** How many times a variant's HTML prints each field whose length is the reader's own. */
  const fieldUses = (rendered: LanguageRender) =>
    roomFieldUses(rendered.segments ? { segments: rendered.segments } : { parts: htmlPartsOf(rendered) }, tokens);
  const pieceGates = createPieceGates(tokens.split, issueFile, tokens.sentinel);
  const textBytes = textSizer();
  /** The sample reader's gates from a variant's pieces, each distinct piece checked once. */
  const sampleFromPieces = (rendered: LanguageRender, values: FieldValues, variantId: string): SampleGates => {
    const html = pieceGates(rendered.gates!, values, variantId);
    return {
      htmlBytes: html.bytes,
      uses: html.uses,
      textBytes: textBytes(rendered.text, values),
      counts: html.counts,
      links: html.links,
      alt: html.alt,
    };
  };
  const frameOf = frameSizes();
  return { sampleReader, roleNames, longestOf, fieldUses, sampleFromPieces, frameOf };
}
