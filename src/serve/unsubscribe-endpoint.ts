import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameListId, type TokenClaims, verifyTokenWithAny } from '../unsubscribe/token.js';
import { BodyTooLargeError, isOneClickBody, readBoundedBody } from './body.js';
import { type InFlight, markUnsubscribe } from './in-flight.js';
import { confirmPage, donePage, errorPage, loggableError, maskEmail, unsubscribeProblemPage } from './pages.js';
import type { UnsubscribeServerOptions } from './server.js';
import { methodNotAllowed, retryLater, send } from './server-answers.js';
import type { SuppressionList } from './suppressions.js';

/**
 * The unsubscribe endpoint (RFC 8058): POST with `List-Unsubscribe=One-Click` unsubscribes at once;
 * GET only shows a page with a button, because link scanners follow GETs. The token is stateless
 * (HMAC over address + list), so a click needs no lookup; the suppression list is the one write.
 */
export function unsubscribeEndpoint(
  options: UnsubscribeServerOptions & { path: string },
  inFlight: InFlight,
  recorded: WeakSet<ServerResponse>,
  maxBody: number,
): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  const brand = options.config.brand.name;
  const now = options.now ?? (() => new Date());
  const invalid = (response: ServerResponse) =>
    send(response, 400, unsubscribeProblemPage(options.config, response.req.headers['accept-language'], 'invalid'));

  return async (request, response, url) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
      return methodNotAllowed(response, 'GET, HEAD, POST');

    const claims = readClaims(url, [options.secret, ...(options.previousSecrets ?? [])], options.config.listId);
    if (method !== 'POST') {
      if (!claims) return invalid(response);
      const action = `${options.path}?${new URLSearchParams({ token: url.searchParams.get('token')! })}`;
      return send(response, 200, confirmPage(options.config, request.headers['accept-language'], claims.email, action));
    }

    let body: Buffer;
    try {
      body = await readBoundedBody(request, maxBody);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      response.setHeader('Connection', 'close');
      return send(
        response,
        413,
        errorPage(brand, 'Request too large', `Request bodies are limited to ${maxBody} bytes.`),
      );
    }
    if (!claims) return invalid(response);
    if (!isOneClickBody(request.headers['content-type'], body)) {
      return send(
        response,
        400,
        errorPage(brand, 'Missing confirmation', 'The request must carry List-Unsubscribe=One-Click (RFC 8058).'),
      );
    }
    // One row per address: a replay dates the reader's own unsubscribe by the latest (a signup link
    // mailed in between then stays spent), while a bounce's or an editor's record is left as it is.
    let outcome: Awaited<ReturnType<SuppressionList['add']>>;
    markUnsubscribe(response);
    try {
      outcome = await options.suppressions.add(claims.email, {
        reason: 'unsubscribe',
        source: 'one-click',
        now: now(),
      });
    } catch (error) {
      // Recorded nowhere: never claim success, so the reader or provider tries again.
      options.log?.(`could not record the unsubscribe of ${maskEmail(claims.email)}: ${loggableError(error)}`);
      // Already asked to come again, as the write took too long: that answer stands.
      return inFlight.answeredInstead(response) ? undefined : retryLater(response, options.config);
    }
    // Answered 503 already, as the write took too long: the reader's retry finds it recorded.
    const answeredBefore = inFlight.answeredInstead(response);
    const after503 = answeredBefore ? ' (after it was answered 503)' : '';
    if (outcome === 'journaled')
      options.log?.(
        `the state database could not take it now: unsubscribed ${maskEmail(claims.email)} in the journal, applied later${after503}`,
      );
    else if (outcome !== 'already' || answeredBefore)
      options.log?.(`unsubscribed ${maskEmail(claims.email)}${after503}`);
    // Its own address is out already; the address its reader moved to, which a subscribers file
    // listing this one mails, is not until the carry is done: one that fails or never ends (503 at
    // the answer limit) is answered 503, so the provider's retry carries it on.
    recorded.add(response);
    const carried = await (options.afterUnsubscribe?.(claims.email) ?? Promise.resolve()).then(
      () => true,
      (error: unknown) => {
        options.log?.(
          `could not carry an unsubscribe on to the address its reader moved to: ${loggableError(error)}; answered 503 (try again), and the retry carries it on`,
        );
        return false;
      },
    );
    // The answer limit may also have answered while the carry ran: that 503 stands.
    if (inFlight.answeredInstead(response)) return;
    if (!carried) return retryLater(response, options.config);
    send(response, 200, donePage(options.config, request.headers['accept-language'], claims.email));
  };
}

/** Claims of a token that is intact, signed with one of our keys and issued for this list. */
function readClaims(url: URL, [secret, ...previous]: string[], listId: string): TokenClaims | undefined {
  const tokens = url.searchParams.getAll('token');
  if (tokens.length !== 1 || !tokens[0] || secret === undefined) return undefined;
  const claims = verifyTokenWithAny(tokens[0], secret, previous);
  return claims && sameListId(claims.listId, listId) ? claims : undefined;
}
