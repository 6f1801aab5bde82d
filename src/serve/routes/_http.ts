import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBoundedBody } from '../body.js';
import { READER_PAGE_CSP } from '../pages/layout.js';

/** A route `serve` answers besides the unsubscribe endpoint; registered in server.ts. */
export interface Route {
  matches(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** The unsubscribe page's headers: nothing cached, nothing framed, no token in a Referer. */
const HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': READER_PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function respond(
  response: ServerResponse,
  status: number,
  body: string,
  type = 'text/html; charset=utf-8',
  extra: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries({ ...HEADERS, ...extra })) response.setHeader(name, value);
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

export function respondJson(response: ServerResponse, status: number, value: unknown): void {
  respond(response, status, `${JSON.stringify(value)}\n`, 'application/json; charset=utf-8');
}

export function redirect(response: ServerResponse, location: string): void {
  for (const [name, value] of Object.entries(HEADERS)) response.setHeader(name, value);
  response.writeHead(303, { Location: location, 'Content-Length': 0 });
  response.end();
}

export function methodNotAllowed(response: ServerResponse, allow: string): void {
  respond(response, 405, 'method not allowed\n', 'text/plain; charset=utf-8', { Allow: allow });
}

/**
 * The client's address: the socket's, or, behind a trusted proxy, the last X-Forwarded-For hop —
 * the one that proxy wrote. Earlier hops come from the client and could be anything.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  const last = trustProxy && typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
  return last || request.socket.remoteAddress || 'unknown';
}

/**
 * The key a per-client limit counts under: an IPv4 address as is, an IPv6 one by its /64 prefix,
 * since one customer line usually holds a whole /64 and could otherwise rotate through it.
 */
export function clientKey(address: string): string {
  // Some proxies append the client's port: "198.51.100.4:51234", "[2001:db8::1]:51234".
  const unported = address.replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1').replace(/^\[([^\]]+)\](?::\d+)?$/, '$1');
  const plain = unported.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.toLowerCase().replace(/%.*$/, '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The request body, or undefined when it is over `max` bytes: then `tooLarge` has answered (413)
 * and the connection is closed, since the rest of the body was never read.
 */
export async function readBodyOr413(
  request: IncomingMessage,
  response: ServerResponse,
  max: number,
  tooLarge: () => void | Promise<void>,
): Promise<Buffer | undefined> {
  try {
    return await readBoundedBody(request, max);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    response.setHeader('Connection', 'close');
    await tooLarge();
    return undefined;
  }
}
