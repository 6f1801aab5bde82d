/** Strings on the pages `serve` answers with (signup, confirmation, preferences, unsubscribe). */
export const PAGES_EN = {
  'pages.unsubscribe.title': 'Unsubscribe',
} as const;
