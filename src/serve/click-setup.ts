import type { AnalyticsStore } from '../analytics/store.js';
import { clickBase } from '../analytics/track-links.js';
import type { ResolvedConfig } from '../config/schema.js';
import { clickRoute, type ServeRoute } from './click-route.js';

/** The click route as `serve` runs it: on the path the config's click links point to. */
export function clickRouteFor(
  config: Pick<ResolvedConfig, 'tracking' | 'urls' | 'readers' | 'brand' | 'locale'>,
  secret: string,
  store: AnalyticsStore,
  log?: (line: string) => void,
  now?: () => Date,
  previousSecrets: readonly string[] = [],
): ServeRoute {
  const base = clickBase(config);
  return clickRoute({
    secret,
    previousSecrets,
    store,
    prefix: base ? new URL(base).pathname : '/c/',
    scannerWindowSeconds: config.tracking.scannerWindowSeconds,
    scannerBurstLinks: config.tracking.scannerBurstLinks,
    trustProxy: config.readers.trustProxy,
    pages: config,
    log,
    now,
  });
}
