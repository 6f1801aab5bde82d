import type { PAGES_EN } from './pages.en.js';

export const PAGES_DE: Partial<Record<keyof typeof PAGES_EN, string>> = {
  'pages.unsubscribe.title': 'Abmelden',
  'pages.common.skip': 'Zum Formular springen',
  'pages.common.invalidLink.title': 'Dieser Link ist ungültig',
  'pages.common.invalidLink.body':
    'Der Link ist unvollständig, beschädigt oder abgelaufen. Nutzen Sie den Link aus der neuesten E-Mail oder melden Sie sich erneut an.',
  'pages.common.tooLarge.title': 'Anfrage zu groß',
  'pages.common.tooLarge.body': 'Das Formular hat mehr Daten gesendet, als diese Seite annimmt.',
  'pages.common.tooMany.title': 'Zu viele Anfragen',
  'pages.common.tooMany.body': 'Bitte warten Sie eine Weile, bevor Sie es erneut versuchen.',
  'pages.common.forbidden.title': 'Dieses Formular ist abgelaufen',
  'pages.common.forbidden.body':
    'Öffnen Sie die Seite erneut über den Link in Ihrer E-Mail und wiederholen Sie die Änderung.',
  'pages.common.notSaved.title': 'Ihre Änderung wurde nicht gespeichert',
  'pages.common.notSaved.body':
    'Es wurde nichts geändert. Bitte versuchen Sie es in einigen Minuten noch einmal über den Link in Ihrer E-Mail.',
  'pages.common.error.title': 'Etwas ist schiefgelaufen',
  'pages.common.error.body': 'Bitte versuchen Sie es später noch einmal.',
  'pages.subscribe.title': '{brand} abonnieren',
  'pages.subscribe.intro':
    'Wählen Sie Ihre Rollen und erhalten Sie nur die Abschnitte, die dafür geschrieben sind. Zuerst senden wir eine Bestätigungs-E-Mail.',
  'pages.subscribe.email': 'E-Mail-Adresse',
  'pages.subscribe.name': 'Name (optional)',
  'pages.subscribe.roles': 'Ihre Rollen',
  'pages.subscribe.rolesHint': 'Wählen Sie jede passende Rolle; Sie können sie später ändern.',
  'pages.subscribe.timezone': 'Zeitzone',
  'pages.subscribe.locale': 'Sprache',
  'pages.subscribe.honeypot': 'Dieses Feld leer lassen',
  'pages.subscribe.consent':
    'Mit dem Abonnieren stimmen Sie zu, {brand} per E-Mail zu erhalten. Jede E-Mail enthält einen Link zum Ändern Ihrer Rollen oder zum Abmelden.',
  'pages.subscribe.submit': 'Abonnieren',
  'pages.subscribe.invalidEmail': 'Geben Sie eine gültige E-Mail-Adresse ein, etwa name@example.com.',
  'pages.subscribe.checkInbox.title': 'Sehen Sie in Ihr Postfach',
  'pages.subscribe.checkInbox.body':
    'Wenn {email} {brand} erhalten kann, ist eine Bestätigungs-E-Mail unterwegs. Öffnen Sie den Link darin, um die Anmeldung abzuschließen.',
  'pages.confirm.title': 'Abonnement bestätigen',
  'pages.confirm.body': 'Drücken Sie die Schaltfläche, um zu bestätigen, dass {email} {brand} erhalten soll.',
  'pages.confirm.button': 'Bestätigen',
  'pages.confirm.taken.title': 'Diese Adresse hat schon ein Abonnement',
  'pages.confirm.taken.body':
    '{email} erhält {brand} bereits mit eigenen Einstellungen, daher wurde nichts dorthin verschoben. Was sie erhält, ändern Sie über den Einstellungslink in einer E-Mail an diese Adresse; die E-Mails an Ihre frühere Adresse beenden Sie auf deren Einstellungsseite mit „Abmelden“.',
  'pages.confirm.done.title': 'Sie haben abonniert',
  'pages.confirm.done.body': '{email} erhält {brand}.',
  'pages.confirm.done.preferences': 'Rollen und Einstellungen wählen',
  'pages.preferences.title': 'Ihre Einstellungen',
  'pages.preferences.intro': 'Einstellungen für {email}. Änderungen gelten ab der nächsten Ausgabe.',
  'pages.preferences.save': 'Änderungen speichern',
  'pages.preferences.pause.button': 'Pausieren',
  'pages.preferences.unsubscribe.button': 'Von allem abmelden',
  'pages.preferences.done.saved': 'Ihre Änderungen sind gespeichert.',
  'pages.mail.confirm.subject': 'Bestätigen Sie Ihr Abonnement von {brand}',
  'pages.mail.confirm.button': 'Abonnement bestätigen',
} as const;
