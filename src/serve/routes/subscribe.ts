import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalAddress } from '../../address.js';
import { isSqliteBusy, retryWhileBusy } from '../../db/sqlite-busy.js';
import { RolecastError } from '../../errors.js';
import { translator } from '../../i18n/index.js';
import { LIMITS } from '../../load/limits.js';
import { email as emailSchema, zoneSpelling } from '../../model/_fields.js';
import { joinedReaderRoles } from '../../roles/reader-roles.js';
import { writtenForm } from '../../store/index.js';
import { isTimeZone, pageLanguageOf } from '../pages/controls.js';
import { messagePage } from '../pages/layout.js';
import { checkInboxPage, subscribePage } from '../pages/subscribe.js';
import { loggableError } from '../pages.js';
import { field, isFormType, isJson, lineField, parseForm } from '../readers/form.js';
import { confirmationMail } from '../readers/mail.js';
import { returningSince } from '../readers/returning.js';
import { languageFor, pageContext, type ReaderServices, storedLocale } from '../readers/services.js';
import { joinable, recordSignup, type Signup } from '../readers/signup-record.js';
import { newNonce, signConfirmToken } from '../readers/tokens.js';
import {
  clientAddress,
  clientKey,
  methodNotAllowed,
  type Route,
  readBodyOr413,
  respond,
  respondJson,
} from './_http.js';

/**
 * GET /subscribe shows the form; POST /subscribe (form or JSON) starts a double opt-in. Every
 * accepted request gets the same answer, whatever the store knows about the address, and the mail
 * goes out after the answer, so neither the page nor its timing tells whether an address is known.
 */
export function subscribeRoute(services: ReaderServices): Route {
  return {
    matches: (pathname) => pathname === services.paths.subscribe,
    async handle(request, response) {
      const method = request.method ?? 'GET';
      const language = languageFor(services, undefined, request.headers['accept-language']);
      const ctx = pageContext(services, language);
      if (method === 'GET' || method === 'HEAD') {
        const form = formOptions(services, language);
        return respond(response, 200, subscribePage(ctx, form));
      }
      if (method !== 'POST') return methodNotAllowed(response, 'GET, HEAD, POST');
      return subscribe(services, request, response);
    },
  };
}

export function formOptions(services: ReaderServices, language: string, action?: string) {
  return {
    action: action ?? services.paths.subscribe,
    taxonomy: services.taxonomy,
    timezone: services.config.timezone,
    locale: language,
  };
}

async function subscribe(services: ReaderServices, request: IncomingMessage, response: ServerResponse) {
  const json = isJson(request.headers['content-type']);
  const language = languageFor(services, undefined, request.headers['accept-language']);
  const ctx = pageContext(services, language);
  const { t } = ctx;
  const fail = (status: number, title: Parameters<typeof t>[0], message: Parameters<typeof t>[0]) =>
    json
      ? respondJson(response, status, { error: t(message) })
      : respond(response, status, messagePage(ctx, t(title), t(message)));

  if (!(await services.limits.perIp.take(clientKey(clientAddress(request, services.config.readers.trustProxy))))) {
    return respond(
      response,
      429,
      json
        ? JSON.stringify({ error: t('pages.common.tooMany.body') })
        : messagePage(ctx, t('pages.common.tooMany.title'), t('pages.common.tooMany.body')),
      json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      { 'Retry-After': '3600' },
    );
  }
  const body = await readBodyOr413(request, response, services.maxBodyBytes, () =>
    fail(413, 'pages.common.tooLarge.title', 'pages.common.tooLarge.body'),
  );
  if (!body) return;
  const fields = parseForm(request.headers['content-type'], body);
  // A body no form sends (text/plain, XML) is said to be one, not taken for a bad address.
  if (!isFormType(request.headers['content-type']))
    return fail(415, 'pages.common.unsupportedType.title', 'pages.common.unsupportedType.body');
  // A multipart body cut before its closing delimiter: its last value may be cut too (an address
  // short of its end, another inbox), so none is taken, and the visitor is asked to send it again.
  if (!fields && !json && (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/'))
    return fail(400, 'pages.common.unsupportedType.title', 'pages.common.incomplete.body');
  if (!fields) return fail(400, 'pages.common.error.title', 'pages.subscribe.invalidEmail');
  const written = field(fields, 'email');
  const parsed = emailSchema.safeParse(written);
  // A role no one knows is dropped (a post cannot invent roles); known roles joined in one, as another
  // site's form may send them ("CTO/VP Engineering"), are each of them, as in a subscribers file.
  const roles = new Set(
    (fields.get('roles') ?? []).flatMap((r) => {
      const known = services.taxonomy.lookup(r);
      return known === undefined ? (joinedReaderRoles(r, services.taxonomy) ?? []) : [known];
    }),
  );
  const zone = field(fields, 'timezone');
  const timezone = isTimeZone(zone) ? zoneSpelling(zone) : undefined;
  const chosenLanguage = pageLanguageOf(field(fields, 'locale'));
  // No role known (none ticked, or only roles a form printed before roles.yaml changed): confirmed, the
  // reader would get no issue at all. Asked before the address is looked at, so it tells nothing of it.
  if (!parsed.success || roles.size === 0) {
    const error = parsed.success ? undefined : t('pages.subscribe.invalidEmail');
    const rolesError = roles.size === 0 ? t('pages.subscribe.noRoles') : undefined;
    if (json) return respondJson(response, 400, { error: [error, rolesError].filter(Boolean).join(' ') });
    // The zone and language the reader chose stay chosen: sent again unnoticed, they would be lost.
    const values = { email: written, name: field(fields, 'name'), roles, timezone, locale: chosenLanguage };
    const form = { ...formOptions(services, language), values };
    return respond(response, 400, subscribePagePlain(services, language, { ...form, error, rolesError }));
  }
  const email = canonicalAddress(parsed.data);
  // The address as typed (its case): where the confirmation and, once confirmed, every issue go.
  const writtenEmail = writtenForm(email, parsed.data);
  if (json) respondJson(response, 202, { status: 'check-your-inbox' });
  else respond(response, 200, checkInboxPage(ctx, email));
  // A filled honeypot is a bot: it gets the same answer and nothing else happens.
  if (field(fields, 'website') !== '') return;
  // After the answer, so a store that waits for a lock or fails cannot tell a new address from a known one.
  await startSignup(services, {
    email,
    writtenEmail,
    name: lineField(fields, 'name', LIMITS.nameLength) || null,
    roles: [...roles],
    timezone: timezone ?? null,
    locale: chosenLanguage ? storedLocale(services, chosenLanguage) : null,
    method: json ? 'api' : 'form',
  }).catch((error: unknown) =>
    services.log(
      `could not record a signup, the state stayed locked or the database did not answer for about a minute: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
}

function subscribePagePlain(
  services: ReaderServices,
  language: ReturnType<typeof languageFor>,
  form: Parameters<typeof subscribePage>[1],
) {
  return subscribePage(pageContext(services, language), form);
}

/**
 * Records a pending signup and mails its confirmation link — unless the address is suppressed,
 * already a reader, or has had its share of mails this hour. Runs after the answer is sent.
 */
async function startSignup(services: ReaderServices, signup: Signup): Promise<void> {
  const now = services.now();
  const { store } = services;
  let waited = false;
  const waiting = <T>(attempt: () => Promise<T>) =>
    retryWhileBusy(
      attempt,
      { pausesMs: services.busyRetryMs ?? BUSY_RETRY_MS },
      {
        // A PostgreSQL server restarting (or failing over) is back within seconds, as a lock is let go.
        waitFor: (error) => error instanceof RolecastError && error.code === 'E_STATE_UNAVAILABLE',
        onWait: (error) => {
          if (!waited && !isSqliteBusy(error))
            services.log(`a signup waits for the database, tried again for about a minute: ${loggableError(error)}`);
          waited = true;
        },
      },
    );
  // Suppressed, only the reader's own unsubscribe may be lifted: by the new link this signup mails.
  const seen = await waiting(async () => {
    const since = await returningSince(services, signup.email);
    const suppressed = since === undefined && (await services.suppressions.isSuppressed(signup.email));
    return { since, suppressed, known: suppressed ? undefined : await store.get(signup.email) };
  });
  const { since, known } = seen;
  if (seen.suppressed || (known && !joinable(known, since))) return;
  if (!(await services.limits.perAddress.take(signup.email))) return;
  const nonce = newNonce();
  // Read again inside the transaction: another replica may have stored or confirmed the address meanwhile.
  const recorded = await waiting(() => store.transaction(() => recordSignup(services, signup, { since, now, nonce })));
  if (recorded)
    sendConfirmation(services, {
      purpose: 'signup',
      email: signup.email,
      to: recorded.to,
      from: undefined,
      nonce: recorded.nonce,
      locale: recorded.locale,
      expiresAt: recorded.expiresAt,
    });
}

/**
 * Pauses before each new try of a signup's write while the state is locked (a long `state
 * migrate`, a backup holding the file) or the database does not answer: ~1 minute in all, on top of the store's own wait. The
 * visitor was answered already, so giving up at once would lose the signup without a word.
 */
const BUSY_RETRY_MS = [500, 1000, 2000, 4000, 8000, 15_000, 30_000];

/** Mails a confirmation link for a signup or an address change; failures are logged, never shown. */
export function sendConfirmation(
  services: ReaderServices,
  request: {
    purpose: 'signup' | 'address';
    email: string;
    /** Where the mail goes when not to `email`: the address as the reader typed it. */
    to?: string | undefined;
    from: string | undefined;
    nonce: string;
    locale: string | null;
    /** When the link stops working (ms since the epoch); `confirmHours` from now by default. */
    expiresAt?: number | undefined;
  },
): void {
  const hours = services.config.readers.confirmHours;
  const { expiresAt, to, ...claims } = request;
  const expires = Math.floor((expiresAt ?? services.now().getTime() + hours * 3600 * 1000) / 1000);
  const token = signConfirmToken({ ...claims, listId: services.config.listId, expires }, services.secret);
  const url = `${services.publicOrigin()}${services.paths.confirm}?${new URLSearchParams({ token })}`;
  const language = languageFor(services, request.locale ?? undefined);
  // The hours the mail promises are those the link has left.
  const left = Math.max(1, Math.ceil((expires * 1000 - services.now().getTime()) / 3_600_000));
  const mail = confirmationMail(
    translator(language),
    services.config.brand.name,
    to ?? request.email,
    url,
    left,
    language,
  );
  services.mailer.send(mail).then(
    () => services.log(`sent a confirmation link (${request.purpose})`),
    (error: unknown) => services.log(`could not send a confirmation mail: ${loggableError(error)}`),
  );
}
