import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalAddress } from '../../address.js';
import { LIMITS } from '../../load/limits.js';
import { email as emailSchema, toOneLine, zoneSpelling } from '../../model/_fields.js';
import { readerRolesRead } from '../../roles/reader-roles.js';
import { roleKey } from '../../roles/taxonomy.js';
import {
  describeChange,
  isPaused,
  newReader,
  type Reader,
  type ReaderField,
  type ReaderPatch,
  stampFields,
} from '../../store/index.js';
import { sameListId, verifyTokenWithAny } from '../../unsubscribe/token.js';
import { readBoundedBody } from '../body.js';
import { markUnsubscribe } from '../in-flight.js';
import { isTimeZone, pageLanguageOf } from '../pages/controls.js';
import { messagePage } from '../pages/layout.js';
import { type PreferencesNotice, preferencesPage } from '../pages/preferences.js';
import { type FormFields, field, isFormType, lineField, parseForm } from '../readers/form.js';
import { languageFor, pageContext, type ReaderServices, signingKeys, storedLocale } from '../readers/services.js';
import { newNonce, signCsrf, verifyCsrf } from '../readers/tokens.js';
import { unsubscribeWhereMoved } from '../readers/unsubscribe-moved.js';
import { clientAddress, clientKey, methodNotAllowed, type Route, readBodyOr413, redirect, respond } from './_http.js';
import { sendConfirmation } from './subscribe.js';

/**
 * The preferences page at the path of `urls.preferences`. The link's token is the one every
 * message's footer carries (address + list, signed); each write also needs the page's CSRF token.
 * A write is answered with a redirect back to the page (post/redirect/get).
 */
export function preferencesRoute(services: ReaderServices): Route {
  return {
    matches: (pathname) => pathname === services.paths.preferences,
    async handle(request, response, url) {
      const method = request.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
        return methodNotAllowed(response, 'GET, HEAD, POST');
      const tokens = url.searchParams.getAll('token');
      const claims =
        tokens.length === 1 && tokens[0]
          ? verifyTokenWithAny(tokens[0], services.secret, services.previousSecrets)
          : undefined;
      if (!claims || !sameListId(claims.listId, services.config.listId)) {
        if (method === 'POST') await drain(request, services.maxBodyBytes);
        return problem(services, request, response, 400, 'unverifiedLink');
      }
      // The link's own address, also once its reader moved away from it: an old message may have
      // been forwarded, and its page must not show where the reader went.
      const email = canonicalAddress(claims.email);
      const action = `${services.paths.preferences}?${new URLSearchParams({ token: tokens[0]! })}`;
      if (method !== 'POST') {
        try {
          return await show(services, response, email, action, url.searchParams.get('done'));
        } catch (error) {
          if (response.headersSent) throw error;
          // The store did not answer (a lock held past its timeout): as an unsubscribe then, come back.
          services.log(
            `the preferences page could not be shown: ${error instanceof Error ? error.message : String(error)}`,
          );
          response.setHeader('Retry-After', '60');
          return problem(services, request, response, 503, 'error');
        }
      }
      const body = await readBodyOr413(request, response, services.maxBodyBytes, () =>
        problem(services, request, response, 413, 'tooLarge', email),
      );
      if (!body) return;
      // A body no form sends (text/plain, XML) is said to be one, not taken for an expired form.
      if (!isFormType(request.headers['content-type']))
        return problem(services, request, response, 415, 'unsupportedType', email);
      const fields = parseForm(request.headers['content-type'], body);
      if (!fields || !verifyCsrf(field(fields, 'csrf'), email, signingKeys(services), services.now()))
        return problem(services, request, response, 403, 'forbidden', email);
      // A stop that answers it for this handler counts it among the unsubscribes.
      if (formAction(fields) === 'unsubscribe') markUnsubscribe(response);
      const client = clientKey(clientAddress(request, services.config.readers.trustProxy));
      let notice: PreferencesNotice;
      try {
        notice = await apply(services, email, fields, client);
      } catch (error) {
        // The store could not be written (another program holds the state file): an unsubscribe
        // still counts, through the suppression list, which journals it when it cannot write.
        if (formAction(fields) !== 'unsubscribe') {
          // The change was one transaction, rolled back: the reader is told it was not saved, in
          // their language, and to come back (a restarted serve, a freed file, takes it).
          services.log(
            `a change on the preferences page was not saved: ${error instanceof Error ? error.message : String(error)}`,
          );
          response.setHeader('Retry-After', '300');
          return problem(services, request, response, 503, 'notSaved', email);
        }
        try {
          await services.suppressions.add(email, { reason: 'unsubscribe', source: 'preferences', now: services.now() });
        } catch (notKept) {
          // Kept nowhere, not even in the journal: the page must not say it took.
          services.log(
            `could not add an unsubscribe to the suppression list: ${notKept instanceof Error ? notKept.message : String(notKept)}`,
          );
          response.setHeader('Retry-After', '60');
          return problem(services, request, response, 503, 'error', email);
        }
        services.log(
          `the reader store could not be written (${error instanceof Error ? error.message : String(error)}); the unsubscribe went to the suppression list`,
        );
        notice = 'unsubscribed';
      }
      if (formAction(fields) === 'unsubscribe') {
        try {
          await unsubscribeWhereMoved(services, email, 'preferences');
        } catch (error) {
          // The address its reader moved to, the one a subscribers file listing this one mails, is not
          // out: the page must not say "unsubscribed". This one stays recorded; pressing again carries it on.
          services.log(
            `could not carry an unsubscribe on to the address its reader moved to: ${error instanceof Error ? error.message : String(error)}; answered 503 (try again)`,
          );
          response.setHeader('Retry-After', '60');
          return problem(services, request, response, 503, 'error', email);
        }
      }
      return redirect(response, `${action}&done=${notice}`);
    },
  };
}

const NOTICES: readonly string[] = ['saved', 'paused', 'resumed', 'unsubscribed', 'address', 'noRoles'];

async function show(
  services: ReaderServices,
  response: ServerResponse,
  email: string,
  action: string,
  done: string | null,
) {
  const now = services.now();
  const reader = ownRecord(await services.store.get(email)) ?? blankReader(email, now);
  const language = languageFor(services, reader.locale ?? undefined);
  const ctx = pageContext(services, language);
  const unsubscribed =
    reader.status === 'unsubscribed' ||
    reader.status === 'bounced' ||
    (await services.suppressions.isSuppressed(email));
  const page = preferencesPage(ctx, {
    email,
    name: reader.name ?? '',
    firstName: reader.firstName ?? '',
    // By today's taxonomy: a role renamed since the reader chose it shows as the role it became.
    roles: new Set(readerRolesRead(reader.roles, services.taxonomy)),
    timezone: reader.timezone ?? services.config.timezone,
    locale: reader.locale ?? services.config.locale,
    pausedUntil: isPaused(reader, now) ? (reader.pausedUntil ?? undefined) : undefined,
    unsubscribed,
    action,
    csrf: signCsrf(email, services.secret, now),
    notice: done && NOTICES.includes(done) ? (done as PreferencesNotice) : undefined,
    taxonomy: services.taxonomy,
  });
  return respond(response, 200, page);
}

/** The button the reader pressed (`do`, or `action` from older pages). */
const formAction = (fields: FormFields): string => field(fields, 'do') || field(fields, 'action');

/** A reader known only from a subscribers file: their first change here creates their stored record. */
const blankReader = (email: string, now: Date): Reader => newReader(email, now);

/**
 * The stored record that is this link's reader's own: not a signup nobody confirmed, whose fields
 * anyone may have typed on the signup form (a subscribers file's reader has no record of their own
 * until they change something here). Their changes then go to a record of their own that the
 * signup neither shapes nor turns into a reader (see `apply`).
 */
const ownRecord = (stored: Reader | undefined): Reader | undefined =>
  stored?.status === 'pending' ? undefined : stored;

/** Every field of `reader` as a write: what replaces a signup nobody confirmed. */
function allFields(reader: Reader): ReaderPatch {
  const { email: _email, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = reader;
  return fields;
}

async function apply(
  services: ReaderServices,
  email: string,
  fields: FormFields,
  client: string,
): Promise<PreferencesNotice> {
  const { store } = services;
  const now = services.now();
  // An erased reader (an old link used after `subscribers forget`) is never stored again.
  if (await services.suppressions.isErased(email)) return 'unsubscribed';
  const suppressed = await services.suppressions.isSuppressed(email);
  // A new address that is erased or suppressed is not stored, not even as pending: an erased one
  // would be kept in plain text again. The answer reads the same, so it tells nobody which it is.
  const wanted = wantedAddress(fields, email);
  const blocked =
    wanted !== undefined &&
    ((await services.suppressions.isErased(wanted)) || (await services.suppressions.isSuppressed(wanted)));
  // Read, decided and written in one transaction: two replicas changing the same reader at once
  // apply one change after the other, each against what the other stored.
  const { notice, newAddress, patch, reader } = await store.transaction(async () => {
    const stored = await store.get(email);
    const own = ownRecord(stored);
    const moveTo = blocked ? { blocked: true } : { address: wanted };
    const decided = decide(services, own ?? blankReader(email, now), suppressed, moveTo, fields, now);
    if (decided.notice === 'noRoles') return decided;
    const change = describeChange(decided.reader, decided.patch);
    if (!stored) await store.insert({ ...decided.reader, createdAt: now.toISOString() });
    // The link's reader acts on a record of their own: the signup is set aside, its link spent, and
    // the record has no consent, so a send from the store leaves it out until a signup is confirmed.
    else if (!own) await store.update(email, allFields(decided.reader), now);
    await store.update(email, decided.patch, now);
    if (stored && !own)
      await store.audit({ email, at: now.toISOString(), page: 'preferences', change: 'unconfirmed signup set aside' });
    if (change) await store.audit({ email, at: now.toISOString(), page: 'preferences', change });
    return decided;
  });
  if (notice === 'unsubscribed') {
    // The suppression list stays authoritative: every send skips the address from now on. The
    // record's "unsubscribed" alone keeps a reader of a subscribers file out only until the file is
    // written again, so a failure here fails the request (the caller tries the list once more).
    await services.suppressions.add(email, { reason: 'unsubscribe', source: 'preferences', now });
  }
  if (newAddress && patch.confirmNonce) {
    // The same limits as a signup's: per address, and per client, so one reader's link cannot
    // mail confirmation links to any number of strangers.
    const allowed =
      !(await services.suppressions.isSuppressed(newAddress)) &&
      (await services.limits.perIp.take(client)) &&
      (await services.limits.perAddress.take(newAddress));
    if (allowed)
      sendConfirmation(services, {
        purpose: 'address',
        email: newAddress,
        from: email,
        nonce: patch.confirmNonce,
        locale: (patch.locale ?? reader.locale) || null,
      });
  }
  return notice;
}

interface Decision {
  reader: Reader;
  patch: ReaderPatch;
  notice: PreferencesNotice;
  newAddress: string | undefined;
}

/** What a posted form changes for this reader. */
function decide(
  services: ReaderServices,
  reader: Reader,
  suppressed: boolean,
  /** The address the form asks to move to (see `wantedAddress`), or that it is one not to store. */
  moveTo: { address?: string | undefined; blocked?: boolean },
  fields: FormFields,
  now: Date,
): Decision {
  const at = now.toISOString();
  const action = formAction(fields);
  const patch: ReaderPatch = { readerChangedAt: at };
  // Only what the reader changed from what the page showed is theirs: the rest of a file reader's
  // settings stays the file's (see overlayReaderChanges).
  const changed: ReaderField[] = [];
  let notice: PreferencesNotice = 'saved';
  let newAddress: string | undefined;
  // Someone who left (unsubscribed, bounced, suppressed) is not brought back by pause or resume.
  const gone = reader.status === 'unsubscribed' || reader.status === 'bounced' || suppressed;
  if (action === 'unsubscribe') {
    patch.status = 'unsubscribed';
    patch.pausedUntil = null;
    // A signup link mailed before must not bring them back (see returning.ts).
    patch.confirmNonce = null;
    changed.push('status');
    notice = 'unsubscribed';
  } else if ((action === 'pause' || action === 'resume') && gone) {
    notice = 'unsubscribed';
  } else if (action === 'pause') {
    const weeks = Math.min(8, Math.max(1, Number.parseInt(field(fields, 'weeks'), 10) || 1));
    patch.status = 'paused';
    patch.pausedUntil = new Date(now.getTime() + weeks * 7 * 86_400_000).toISOString();
    changed.push('status');
    notice = 'paused';
  } else if (action === 'resume') {
    patch.status = 'active';
    patch.pausedUntil = null;
    changed.push('status');
    notice = 'resumed';
  } else {
    // A role the taxonomy lacks is kept only if the reader holds it already (the page shows it):
    // a post cannot invent roles.
    const held = new Map(reader.roles.map((role) => [roleKey(role), services.taxonomy.normalise(role)]));
    patch.roles = (fields.get('roles') ?? [])
      .map((r) => services.taxonomy.lookup(r) ?? held.get(roleKey(r)))
      .filter((r, i, all): r is string => r !== undefined && all.indexOf(r) === i);
    const shownRoles = new Set(readerRolesRead(reader.roles, services.taxonomy));
    // Every role unticked would leave the reader subscribed to nothing, silently: refused, and the
    // page says so beside the Unsubscribe button. (A page that showed none, as to a reader known only
    // from a subscribers file, changes no roles by sending none.)
    if (patch.roles.length === 0 && shownRoles.size > 0) return { reader, patch: {}, notice: 'noRoles', newAddress };
    if (patch.roles.length !== shownRoles.size || patch.roles.some((role) => !shownRoles.has(role)))
      changed.push('roles');
    patch.name = lineField(fields, 'name', LIMITS.nameLength) || null;
    patch.firstName = lineField(fields, 'firstName', LIMITS.nameLength) || null;
    const shown = (value: string | null) => (value && toOneLine(value)) || null;
    if (patch.name !== shown(reader.name)) changed.push('name');
    if (patch.firstName !== shown(reader.firstName)) changed.push('firstName');
    // Only a zone or language the reader changed is written: the page shows the list's own to a
    // reader with none stored (one known from a subscribers file, whose file may say otherwise).
    const timezone = field(fields, 'timezone');
    const shownZone = reader.timezone ?? services.config.timezone;
    // Both as spelled now: a zone stored as an earlier release spelled it ("us/eastern") and sent
    // back unchanged is no change of the reader's.
    if (isTimeZone(timezone) && zoneSpelling(timezone) !== zoneSpelling(shownZone)) {
      patch.timezone = zoneSpelling(timezone);
      changed.push('timezone');
    }
    const language = pageLanguageOf(field(fields, 'locale'));
    if (language && language !== shownLanguage(reader.locale ?? services.config.locale)) {
      patch.locale = storedLocale(services, language);
      changed.push('locale');
    }
    if (moveTo.blocked && !gone) notice = 'address';
    else if (!gone) newAddress = moveTo.address;
  }
  patch.readerFields = stampFields(reader, changed, at);
  if (newAddress) {
    patch.pendingEmail = newAddress;
    // The same address asked for again (a form sent twice, a reader who did not see the mail yet)
    // keeps the nonce: the link mailed first still confirms, as the one mailed now does.
    patch.confirmNonce = (reader.pendingEmail === newAddress && reader.confirmNonce) || newNonce();
    notice = 'address';
  }
  return { reader, patch, notice, newAddress };
}

/** The language the page's select shows as chosen for a locale (see `localeSelect`). */
const shownLanguage = (locale: string): string | undefined => locale.split('-')[0]?.toLowerCase();

/** The address the form asks to move to, canonical; undefined when it names none or the same one. */
function wantedAddress(fields: FormFields, email: string): string | undefined {
  const wanted = emailSchema.safeParse(field(fields, 'email'));
  if (!wanted.success) return undefined;
  const address = canonicalAddress(wanted.data);
  return address === email ? undefined : address;
}

async function drain(request: IncomingMessage, max: number): Promise<void> {
  try {
    await readBoundedBody(request, max);
  } catch {
    // Only emptied so the connection can be reused; the answer is already decided.
  }
}

async function problem(
  services: ReaderServices,
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  kind: 'unverifiedLink' | 'tooLarge' | 'unsupportedType' | 'forbidden' | 'error' | 'notSaved',
  /** The link's reader: the language they chose for their page is theirs here too. */
  email?: string,
) {
  const chosen = email === undefined ? undefined : await chosenLocale(services, email);
  const ctx = pageContext(services, languageFor(services, chosen, request.headers['accept-language']));
  return respond(
    response,
    status,
    messagePage(ctx, ctx.t(`pages.common.${kind}.title`), ctx.t(`pages.common.${kind}.body`)),
  );
}

/** The language a reader chose on their page; none when the store cannot say (it may be what failed). */
async function chosenLocale(services: ReaderServices, email: string): Promise<string | undefined> {
  try {
    return ownRecord(await services.store.get(email))?.locale ?? undefined;
  } catch {
    return undefined;
  }
}
