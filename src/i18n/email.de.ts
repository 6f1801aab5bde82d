import type { EMAIL_EN } from './email.en.js';

export const EMAIL_DE: Partial<Record<keyof typeof EMAIL_EN, string>> = {
  'email.unsubscribe': 'Abmelden',
  'email.preferences': 'Einstellungen ändern',
  'email.viewOnline': 'Diese Ausgabe im Browser ansehen',
};
