import type { IncomingMessage, ServerResponse } from 'node:http';
import { translator } from '../../i18n/index.js';
import { mailAddress, type Reader, signupFields, stampFields } from '../../store/index.js';
import { personalLinks } from '../../unsubscribe/links.js';
import { confirmedPage, confirmPage } from '../pages/confirm.js';
import { messagePage } from '../pages/layout.js';
import { loggableError, maskEmail } from '../pages.js';
import { field, isFormType, parseForm } from '../readers/form.js';
import { welcomeMail } from '../readers/mail.js';
import { linkIssuedAt, returningSince, signedUpSince } from '../readers/returning.js';
import { languageFor, pageContext, preferencesUrl, type ReaderServices, signingKeys } from '../readers/services.js';
import { keptWithoutConsent } from '../readers/signup-record.js';
import { type ConfirmClaims, verifyConfirmToken } from '../readers/tokens.js';
import { methodNotAllowed, type Route, readBodyOr413, respond } from './_http.js';

/**
 * GET /confirm?token=… shows a button; its POST activates the reader (or moves them to the new
 * address they asked for). The token is checked on both; its nonce must still be the one the store
 * holds, so a used or superseded link does nothing.
 */
export function confirmRoute(services: ReaderServices): Route {
  return {
    matches: (pathname) => pathname === services.paths.confirm,
    async handle(request, response, url) {
      const method = request.method ?? 'GET';
      if (method === 'GET' || method === 'HEAD') return show(services, request, response, url);
      if (method !== 'POST') return methodNotAllowed(response, 'GET, HEAD, POST');
      return confirm(services, request, response);
    },
  };
}

async function show(services: ReaderServices, request: IncomingMessage, response: ServerResponse, url: URL) {
  const tokens = url.searchParams.getAll('token');
  const link = tokens.length === 1 ? await liveLink(services, tokens[0]!) : undefined;
  if (!link) return invalid(services, request, response, 400);
  if (link === 'used') return used(services, request, response);
  // In the language the signup chose, as its mail and the confirmed page are: not the browser's.
  const language = languageFor(services, link.locale ?? undefined, request.headers['accept-language']);
  const { claims } = link;
  return respond(
    response,
    200,
    confirmPage(
      pageContext(services, language),
      claims.email,
      tokens[0]!,
      services.paths.confirm,
      claims.purpose === 'address',
    ),
  );
}

async function confirm(services: ReaderServices, request: IncomingMessage, response: ServerResponse) {
  const answer = (status: number, kind: 'tooLarge' | 'unsupportedType') => {
    const ctx = pageContext(services, languageFor(services, undefined, request.headers['accept-language']));
    respond(
      response,
      status,
      messagePage(ctx, ctx.t(`pages.common.${kind}.title`), ctx.t(`pages.common.${kind}.body`)),
    );
  };
  const body = await readBodyOr413(request, response, services.maxBodyBytes, () => answer(413, 'tooLarge'));
  if (!body) return;
  // A body no form sends (text/plain, XML) is said to be one, not taken for a damaged link.
  if (!isFormType(request.headers['content-type'])) return answer(415, 'unsupportedType');
  const fields = parseForm(request.headers['content-type'], body);
  const token = fields ? field(fields, 'token') : '';
  const link = token ? await liveLink(services, token) : undefined;
  if (!link) return invalid(services, request, response, 400);
  if (link === 'used') return used(services, request, response);
  const { claims } = link;
  const { store } = services;
  const now = services.now();
  const at = now.toISOString();
  const email = claims.purpose === 'address' ? claims.from! : claims.email;
  // The suppression list is authoritative: a suppressed address is never (re-)activated, nor moved
  // elsewhere, except by a signup after its reader's own unsubscribe, whose link lifts only that.
  const since = claims.purpose === 'signup' ? await returningSince(services, email) : undefined;
  if (since === undefined && (await suppressedAny(services, [claims.email, claims.from])))
    return invalid(services, request, response, 400);
  // The nonce is checked again in the transaction that clears it: of two replicas taking the same
  // link at once, one confirms and the other finds it used. The reader's unsubscribe is lifted in
  // it too: a failed write leaves them unsubscribed, suppressed, and their link still working.
  let reader: Reader | 'taken' | undefined;
  try {
    reader = await store.transaction(async () => {
      const current = await store.get(email);
      if (!current || !stillValid(current, claims, since, services.config.readers.confirmHours)) return undefined;
      // Lifted only as it was when the link was checked: an unsubscribe since (a one-click on
      // another replica, a mail to the List-Unsubscribe address) dated it anew, and it stays.
      if (since !== undefined && !(await store.liftOwnUnsubscribe(email, since))) return undefined;
      if (claims.purpose === 'address') {
        const there = await store.get(claims.email);
        if (there && !(await replaceable(services, there, email))) return 'taken' as const;
        if (there) await store.discard(claims.email);
        if (!(await store.rename(email, claims.email, now))) return undefined;
        await store.update(claims.email, { confirmNonce: null, readerChangedAt: at }, now);
        const replaced = there ? ` (in place of a record that was ${there.status})` : '';
        await store.audit({
          email: claims.email,
          at,
          page: 'confirm',
          change: `email: ${email} → ${claims.email}${replaced}`,
        });
      } else if (current.status !== 'pending' && since !== undefined) {
        const consent = { at, method: 'form' as const, wording: services.config.readers.consentWording };
        // Back with the settings they had; only the status is theirs anew.
        const readerFields = stampFields(current, ['status'], at);
        const back = { status: 'active' as const, pausedUntil: null, consent, confirmedAt: at, readerChangedAt: at };
        await store.update(email, { ...back, readerFields, confirmNonce: null }, now);
        await store.audit({
          email,
          at,
          page: 'confirm',
          change: `status: ${current.status} → active, signed up again`,
        });
      } else if (keptWithoutConsent(current)) {
        const consent = { at, method: 'form' as const, wording: services.config.readers.consentWording };
        // Only their status: the settings they kept stay as much theirs as before, a file's the rest.
        const readerFields = stampFields(current, ['status'], at);
        await store.update(
          email,
          { consent, confirmedAt: at, readerChangedAt: at, readerFields, confirmNonce: null },
          now,
        );
        await store.audit({ email, at, page: 'confirm', change: 'consent recorded, settings kept' });
      } else {
        const readerFields = stampFields(current, signupFields(current), at);
        const activated = { status: 'active' as const, confirmedAt: at, readerChangedAt: at, readerFields };
        await store.update(email, { ...activated, confirmNonce: null }, now);
        await store.audit({ email, at, page: 'confirm', change: 'status: pending → active' });
      }
      return current;
    });
  } catch (error) {
    // Rolled back: nothing changed, and the same link works once the store takes writes again.
    services.log(`a confirmation could not be saved: ${loggableError(error)}`);
    response.setHeader('Retry-After', '60');
    const ctx = pageContext(services, languageFor(services, undefined, request.headers['accept-language']));
    return respond(
      response,
      503,
      messagePage(ctx, ctx.t('pages.common.notSaved.title'), ctx.t('pages.common.notSaved.body')),
    );
  }
  if (!reader) return used(services, request, response);
  // Asked again now the reader is stored: a bounce that landed after the first look (the confirmation
  // mail bouncing late) gets no welcome mail. Not inside the transaction: on PostgreSQL the list is
  // read through another connection of the pool, which transactions waiting on it could exhaust.
  if (await suppressedAny(services, [claims.email, claims.from])) return invalid(services, request, response, 400);
  if (reader === 'taken') return taken(services, request, response, claims.email);
  const language = languageFor(services, reader.locale ?? undefined);
  const preferences = preferencesUrl(services, claims.email);
  if (claims.purpose === 'signup' && services.config.readers.welcome) {
    // To the address as typed, where the confirmation went and every issue will go.
    const to = mailAddress(reader);
    // The same way out as every issue's: the link signed for the address, and the header.
    const links = personalLinks(services.config, services.secret, '', claims.email);
    const mail = welcomeMail(translator(language), services.config.brand.name, to, preferences, language, links);
    services.mailer.send(mail).catch((error: unknown) => {
      services.log(`could not send a welcome mail: ${loggableError(error)}`);
    });
  }
  return respond(response, 200, confirmedPage(pageContext(services, language), claims.email, preferences));
}

async function suppressedAny(services: ReaderServices, addresses: (string | undefined)[]): Promise<boolean> {
  for (const address of addresses)
    if (address !== undefined && (await services.suppressions.isSuppressed(address))) return true;
  return false;
}

/**
 * Whether a confirmed move may take the place of the record already stored at the new address:
 * one that left (unsubscribed, bounced) or was never confirmed (a signup anyone may have typed), or
 * the moving reader's own from before they moved away from it (a move back). Any other is a
 * reader's own settings (a subscribers file's reader, a consented one): the move is refused, so no
 * reader's record is overwritten with another's.
 */
async function replaceable(services: ReaderServices, there: Reader, from: string): Promise<boolean> {
  if (there.status === 'pending' || there.status === 'unsubscribed' || there.status === 'bounced') return true;
  if (there.consent) return false;
  return (await services.store.moves()).some((move) => move.email === there.email && move.movedTo === from);
}

/** A confirmation link that still works: its token's claims, and the language stored with its reader. */
interface LiveLink {
  claims: ConfirmClaims;
  locale: string | null;
}

/**
 * The link of a token whose claims are valid and whose nonce the store still holds; 'used' for a
 * sound token already spent.
 */
async function liveLink(services: ReaderServices, token: string): Promise<LiveLink | 'used' | undefined> {
  const check = verifyConfirmToken(token, signingKeys(services), services.config.listId, services.now());
  if (!check.ok) return undefined;
  const { claims } = check;
  const email = claims.purpose === 'address' ? (claims.from ?? '') : claims.email;
  const reader = await services.store.get(email);
  const since = claims.purpose === 'signup' ? await returningSince(services, email) : undefined;
  return reader && stillValid(reader, claims, since, services.config.readers.confirmHours)
    ? { claims, locale: reader.locale }
    : 'used';
}

/**
 * The stored reader still holds this link's nonce, and the link still applies to them. `since`: the
 * reader's own unsubscribe a signup link made after it may lift.
 */
function stillValid(reader: Reader, claims: ConfirmClaims, since: string | undefined, confirmHours: number): boolean {
  if (reader.confirmNonce !== claims.nonce) return false;
  if (claims.purpose === 'address') return reader.pendingEmail === claims.email;
  // A signup link activates a pending reader (or records consent for a kept record); one who
  // unsubscribed meanwhile stays out, unless the link came from their signup after it.
  if (since !== undefined)
    return reader.status !== 'bounced' && signedUpSince(reader, since, linkIssuedAt(claims.expires, confirmHours));
  return reader.status === 'pending' || keptWithoutConsent(reader);
}

function invalid(services: ReaderServices, request: IncomingMessage, response: ServerResponse, status: number) {
  const ctx = pageContext(services, languageFor(services, undefined, request.headers['accept-language']));
  return respond(
    response,
    status,
    messagePage(ctx, ctx.t('pages.common.invalidLink.title'), ctx.t('pages.common.invalidLink.body')),
  );
}

/** The new address holds a reader's own record: nothing moved, and the page says what to do instead. */
function taken(services: ReaderServices, request: IncomingMessage, response: ServerResponse, email: string) {
  const ctx = pageContext(services, languageFor(services, undefined, request.headers['accept-language']));
  const body = ctx.t('pages.confirm.taken.body', { email: maskEmail(email), brand: ctx.brand.name });
  return respond(response, 409, messagePage(ctx, ctx.t('pages.confirm.taken.title'), body));
}

function used(services: ReaderServices, request: IncomingMessage, response: ServerResponse) {
  const ctx = pageContext(services, languageFor(services, undefined, request.headers['accept-language']));
  return respond(response, 410, messagePage(ctx, ctx.t('pages.confirm.used.title'), ctx.t('pages.confirm.used.body')));
}
