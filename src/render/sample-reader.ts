import type { ResolvedConfig } from '../config/schema.js';
import { personalLinks } from '../unsubscribe/links.js';
import { readerFields } from './fields.js';
import type { PersonalFields } from './types.js';

/** The reader used to measure sizes and for sample output: a long-ish name and a signed-length link. */
export const SAMPLE_READER = { email: 'reader.name@example.com', name: 'Reader' } as const;

/**
 * Fields for a sample reader: the `build` output passes no secret (a mailto unsubscribe link); the
 * size gate passes a throwaway key so links are as long as real signed ones.
 */
export function sampleFields(config: ResolvedConfig, issueId: string, secret: string | undefined): PersonalFields {
  return readerFields(personalLinks(config, secret, issueId, SAMPLE_READER.email), SAMPLE_READER);
}
