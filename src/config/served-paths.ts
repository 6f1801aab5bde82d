/**
 * The paths `rolecast serve` answers, worked out from the config's URLs: one place for the server
 * that routes them and for the config's check that the one-click endpoint shares none of them.
 */

export const HEALTH_PATH = '/healthz';
/** Request targets (path and query) longer than this are refused (414) before they are routed. */
export const MAX_REQUEST_TARGET = 4096;
export const WEBHOOK_PREFIX = '/webhooks/';

export interface ReaderPaths {
  subscribe: string;
  confirm: string;
  preferences: string;
}

/** A path as routes compare it: without trailing slashes, `/` for the root. */
export function trimmedPath(pathname: string): string {
  // A scan back, not /\/+$/: on a long run of slashes before other text that pattern takes time
  // in the square of the length, and a request path is anyone's to choose.
  let end = pathname.length;
  while (end > 0 && pathname.charCodeAt(end - 1) === 47) end--;
  return end === pathname.length ? pathname || '/' : pathname.slice(0, end) || '/';
}

/** The path of a URL, trimmed; throws on a URL that does not parse. */
export function urlPath(url: string): string {
  return trimmedPath(new URL(url).pathname);
}

/** The reader pages: the preferences page where `urls.preferences` points, the others beside it. */
export function readerPaths(urls: { preferences?: string | undefined }): ReaderPaths {
  return {
    subscribe: '/subscribe',
    confirm: '/confirm',
    preferences: urls.preferences ? urlPath(urls.preferences) : '/preferences',
  };
}

/** The one-click endpoint's path when `serve` answers it with another page too; undefined when it is its own. */
export function unsubscribePathTaken(urls: {
  unsubscribe?: string | undefined;
  preferences?: string | undefined;
}): string | undefined {
  if (!urls.unsubscribe) return undefined;
  const own = urlPath(urls.unsubscribe);
  const pages = [...Object.values(readerPaths(urls)), HEALTH_PATH];
  return pages.includes(own) || own.startsWith(WEBHOOK_PREFIX) ? own : undefined;
}
