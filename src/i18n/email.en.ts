/** Strings in the digest email (HTML and text). Keys are stable; the wording may change. */
export const EMAIL_EN = {
  'email.unsubscribe': 'Unsubscribe',
  'email.preferences': 'Update your preferences',
  'email.viewOnline': 'View this issue in your browser',
} as const;
