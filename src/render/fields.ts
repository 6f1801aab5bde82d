import type { PersonalLinks } from '../unsubscribe/links.js';
import type { PersonalFields } from './types.js';

/** The per-reader fields of a message: who it is for, and their own links. One shape for send, preview and samples. */
export function readerFields(
  links: Pick<PersonalLinks, 'unsubscribeUrl' | 'preferencesUrl' | 'viewOnlineUrl'>,
  reader: {
    email: string;
    name?: string | undefined;
    firstName?: string | undefined;
    locale?: string | undefined;
    timezone?: string | undefined;
    roles?: readonly string[] | undefined;
  },
): PersonalFields {
  return {
    email: reader.email,
    name: reader.name,
    firstName: reader.firstName,
    locale: reader.locale,
    timezone: reader.timezone,
    roles: reader.roles,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
    viewOnlineUrl: links.viewOnlineUrl,
  };
}
