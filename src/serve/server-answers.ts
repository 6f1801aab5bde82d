import type { ServerResponse } from 'node:http';
import { type UnsubscribeSite, unsubscribeProblemPage } from './pages.js';

/** Seconds a client is asked to wait when an unsubscribe could be recorded nowhere. */
const RETRY_AFTER_SECONDS = 60;

const SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token is in the URL: never hand it to another site in a Referer.
  'Referrer-Policy': 'no-referrer',
};

/** 503 with Retry-After: the request was not (or may not have been) recorded, and is to come again. */
export function retryLater(response: ServerResponse, site: UnsubscribeSite): void {
  response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  send(response, 503, unsubscribeProblemPage(site, response.req.headers['accept-language'], 'retry'));
}

export function methodNotAllowed(response: ServerResponse, allow: string): void {
  response.setHeader('Allow', allow);
  send(response, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
}

export function send(response: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
