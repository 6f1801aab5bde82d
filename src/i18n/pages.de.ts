import type { PAGES_EN } from './pages.en.js';

export const PAGES_DE: Partial<Record<keyof typeof PAGES_EN, string>> = {
  'pages.unsubscribe.title': 'Abmelden',
  'pages.unsubscribe.ask.title': 'Abmelden?',
  'pages.unsubscribe.ask.body': '{brand} nicht mehr an {email} senden?',
  'pages.unsubscribe.done.title': 'Sie sind abgemeldet',
  'pages.unsubscribe.done.body': '{email} erhält keine Ausgaben von {brand} mehr.',
  'pages.unsubscribe.invalid.title': 'Dieser Link ist ungültig',
  'pages.unsubscribe.invalid.body':
    'Der Abmeldelink ist unvollständig oder beschädigt. Nutzen Sie den Link aus der neuesten Ausgabe oder antworten Sie auf die E-Mail.',
  'pages.unsubscribe.retry.title': 'Bitte versuchen Sie es erneut',
  'pages.unsubscribe.retry.body':
    'Ihre Anfrage konnte gerade nicht gespeichert werden. Bitte versuchen Sie es in einer Minute erneut.',
  'pages.common.skip': 'Zum Formular springen',
  'pages.common.invalidLink.title': 'Dieser Link ist ungültig',
  'pages.common.invalidLink.body':
    'Der Link ist unvollständig, beschädigt oder abgelaufen. Nutzen Sie den Link aus der neuesten E-Mail oder melden Sie sich erneut an.',
  'pages.click.invalid.body':
    'Der Link ist unvollständig oder beschädigt. Öffnen Sie den Beitrag erneut aus der E-Mail oder kopieren Sie den vollständigen Link.',
  'pages.common.unverifiedLink.title': 'Dieser Link ließ sich nicht prüfen',
  'pages.common.unverifiedLink.body':
    'Der Link ist beschädigt oder stammt aus einer E-Mail von vor dem Wechsel des Schlüssels, mit dem wir unsere Links signieren. Es wurde nichts geändert. Zum Abmelden nutzen Sie den Abmeldelink in unserer neuesten E-Mail oder antworten Sie auf eine unserer E-Mails.',
  'pages.common.tooLarge.title': 'Anfrage zu groß',
  'pages.common.tooLarge.body': 'Das Formular hat mehr Daten gesendet, als diese Seite annimmt.',
  'pages.common.unsupportedType.title': 'Dieses Formular ließ sich nicht lesen',
  'pages.common.unsupportedType.body':
    'Das Formular wurde in einem Format gesendet, das diese Seite nicht liest. Senden Sie es als Webformular (urlencoded oder multipart/form-data) oder als JSON.',
  'pages.common.incomplete.body':
    'Das Formular kam unvollständig an, daher wurde nichts gespeichert. Bitte senden Sie es erneut.',
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
  'pages.subscribe.nameHint': 'Bis zu {max} Zeichen.',
  'pages.subscribe.roles': 'Ihre Rollen',
  'pages.subscribe.rolesHint': 'Wählen Sie jede passende Rolle; Sie können sie später ändern.',
  'pages.subscribe.timezone': 'Zeitzone',
  'pages.subscribe.locale': 'Sprache',
  'pages.subscribe.honeypot': 'Dieses Feld leer lassen',
  'pages.subscribe.consent':
    'Mit dem Abonnieren stimmen Sie zu, {brand} per E-Mail zu erhalten. Jede E-Mail enthält einen Link zum Ändern Ihrer Rollen oder zum Abmelden.',
  'pages.subscribe.submit': 'Abonnieren',
  'pages.subscribe.invalidEmail': 'Geben Sie eine gültige E-Mail-Adresse ein, etwa name@example.com.',
  'pages.subscribe.noRoles':
    'Wählen Sie mindestens eine der Rollen unten: Jede Ausgabe enthält nur die Abschnitte für die Rollen, die Sie wählen.',
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
  'pages.confirm.addressTitle': 'Bestätigen Sie Ihre neue Adresse',
  'pages.confirm.addressBody': 'Drücken Sie die Schaltfläche, um {brand} ab jetzt unter {email} zu erhalten.',
  'pages.confirm.used.title': 'Dieser Link wurde schon verwendet',
  'pages.confirm.used.body':
    'Jeder Bestätigungslink funktioniert nur einmal. Den Link zu Ihren Einstellungen finden Sie in jeder E-Mail.',
  'pages.preferences.title': 'Ihre Einstellungen',
  'pages.preferences.intro': 'Einstellungen für {email}. Änderungen gelten ab der nächsten Ausgabe.',
  'pages.preferences.save': 'Änderungen speichern',
  'pages.preferences.email': 'E-Mail-Adresse',
  'pages.preferences.emailHint': 'An eine neue Adresse senden wir zuerst eine Bestätigungs-E-Mail.',
  'pages.preferences.firstName': 'Vorname (optional)',
  'pages.preferences.pause.legend': 'Eine Pause machen',
  'pages.preferences.pause.weeks': 'Pausieren für',
  'pages.preferences.pause.option': '{weeks} Woche(n)',
  'pages.preferences.paused': 'Pausiert bis {date}.',
  'pages.preferences.resume': 'Jetzt fortsetzen',
  'pages.preferences.unsubscribe.legend': 'Abmelden',
  'pages.preferences.unsubscribe.body': 'Alle E-Mails von {brand} beenden.',
  'pages.preferences.unsubscribed': 'Sie sind abgemeldet und erhalten keine E-Mails von {brand} mehr.',
  'pages.preferences.pause.button': 'Pausieren',
  'pages.preferences.unsubscribe.button': 'Von allem abmelden',
  'pages.preferences.done.saved': 'Ihre Änderungen sind gespeichert.',
  'pages.preferences.done.paused': 'Ihr Abonnement ist pausiert.',
  'pages.preferences.done.resumed': 'Ihr Abonnement ist wieder aktiv.',
  'pages.preferences.done.unsubscribed': 'Sie sind abgemeldet.',
  'pages.preferences.done.noRoles':
    'Nichts wurde gespeichert: Jede Ausgabe enthält nur die Abschnitte für Ihre Rollen, lassen Sie also mindestens eine gewählt. Um keine E-Mails von {brand} mehr zu erhalten, nutzen Sie unten „Von allem abmelden“.',
  'pages.preferences.done.address':
    'Wir haben eine Bestätigungs-E-Mail an Ihre neue Adresse gesendet. Bis Sie sie bestätigen, verwenden wir weiter die bisherige.',
  'pages.roles.other': 'Weitere Rollen',
  'pages.mail.confirm.subject': 'Bestätigen Sie Ihr Abonnement von {brand}',
  'pages.mail.confirm.button': 'Abonnement bestätigen',
  'pages.mail.confirm.heading': 'Nur noch ein Schritt',
  'pages.mail.confirm.body':
    'Jemand, hoffentlich Sie, möchte {brand} unter dieser Adresse erhalten. Bitte bestätigen Sie, damit der Versand beginnt.',
  'pages.mail.confirm.ignore':
    'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ohne Ihre Bestätigung wird nichts gesendet.',
  'pages.mail.confirm.expires': 'Der Link funktioniert nur einmal und läuft in {hours} Stunden ab.',
  'pages.mail.welcome.subject': 'Willkommen bei {brand}',
  'pages.mail.welcome.heading': 'Willkommen',
  'pages.mail.welcome.body': 'Sie haben {brand} abonniert. Ihre erste Ausgabe kommt mit dem nächsten Versand.',
  'pages.mail.welcome.button': 'Rollen wählen',
  'pages.mail.welcome.unsubscribe': 'Abmelden',
} as const;
