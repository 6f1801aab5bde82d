import type { PAGES_EN } from './pages.en.js';

export const PAGES_DE: Partial<Record<keyof typeof PAGES_EN, string>> = {
  'pages.unsubscribe.title': 'Abmelden',
};
