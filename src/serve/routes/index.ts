import type { ResolvedConfig } from '../../config/schema.js';
import { readerPaths } from '../../config/served-paths.js';
import { loggableError, maskEmail } from '../pages.js';
import { fixedWindowLimiter, perMailbox } from '../readers/rate-limit.js';
import type { LimiterFactory } from '../readers/rate-limit-postgres.js';
import { spendSignupLink } from '../readers/returning.js';
import type { ReaderPaths, ReaderServices } from '../readers/services.js';
import { unsubscribeWhereMoved } from '../readers/unsubscribe-moved.js';
import type { Route } from './_http.js';
import { confirmRoute } from './confirm.js';
import { preferencesRoute } from './preferences.js';
import { subscribeRoute } from './subscribe.js';

export type { Route } from './_http.js';

/** The signup, confirmation and preferences pages, ready to register with the server. */
export interface ReaderRoutesOptions
  extends Pick<ReaderServices, 'config' | 'taxonomy' | 'store' | 'suppressions' | 'secret' | 'mailer'>,
    Partial<Pick<ReaderServices, 'now' | 'log' | 'maxBodyBytes' | 'busyRetryMs' | 'previousSecrets'>> {
  /** This server's own origin, for links when the config names no public URL; set once it listens. */
  origin?: () => string;
  /** How often pending signups are purged, ms (hourly by default). */
  purgeIntervalMs?: number;
  /** Where the signup limits count: this process's memory unless the backend shares them. */
  limiters?: LimiterFactory | undefined;
}

export interface ReaderRoutes {
  routes: Route[];
  paths: ReaderPaths;
  /** The public URL the signup form posts to (for the embeddable snippet). */
  subscribeUrl(): string;
  /** Deletes pending signups older than `readers.purgePendingHours`; returns how many. */
  purge(): Promise<number>;
  /**
   * After a one-click unsubscribe of `email`: a signup link the address holds is spent, and the
   * address its reader moved to, if any, leaves too.
   */
  unsubscribed(email: string): Promise<void>;
  close(): void;
}

export const DEFAULT_READER_BODY_BYTES = 16 * 1024;

export { readerPaths };

/** The origin public links use: that of `urls.preferences` (else `urls.unsubscribe`), else this server's. */
export function publicOrigin(urls: ResolvedConfig['urls']): string | undefined {
  const base = urls.preferences ?? urls.unsubscribe;
  return base ? new URL(base).origin : undefined;
}

export function readerRoutes(options: ReaderRoutesOptions): ReaderRoutes {
  const { readers } = options.config;
  const configured = publicOrigin(options.config.urls);
  const paths = readerPaths(options.config.urls);
  const now = options.now ?? (() => new Date());
  const limiter: LimiterFactory =
    options.limiters ?? ((_scope, limit, windowMs, clock) => fixedWindowLimiter(limit, windowMs, clock));
  const services: ReaderServices = {
    config: options.config,
    taxonomy: options.taxonomy,
    store: options.store,
    suppressions: options.suppressions,
    secret: options.secret,
    previousSecrets: options.previousSecrets,
    mailer: options.mailer,
    now,
    log: options.log ?? (() => {}),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_READER_BODY_BYTES,
    busyRetryMs: options.busyRetryMs,
    limits: {
      perIp: limiter('ip', readers.perIpPerHour, 3600_000, () => now().getTime()),
      perAddress: perMailbox(limiter('address', readers.perAddressPerHour, 3600_000, () => now().getTime())),
    },
    paths,
    publicOrigin: () => configured ?? options.origin?.() ?? 'http://127.0.0.1',
  };
  const purge = () => options.store.purgePending(new Date(now().getTime() - readers.purgePendingHours * 3600_000));
  const run = async () => {
    try {
      const purged = await purge();
      if (purged) services.log(`purged ${purged} signup(s) never confirmed`);
    } catch (error) {
      services.log(`could not purge pending signups: ${loggableError(error)}`);
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.purgeIntervalMs ?? 3600_000);
  timer.unref();
  return {
    routes: [subscribeRoute(services), confirmRoute(services), preferencesRoute(services)],
    paths,
    subscribeUrl: () => `${services.publicOrigin()}${paths.subscribe}`,
    purge,
    async unsubscribed(email) {
      // Each step on its own: a store that cannot be written just now (a send holds the state file)
      // must not keep the unsubscribe from the address its reader moved to, which the list journals.
      await spendSignupLink(services.store, email, now()).catch((error: unknown) =>
        services.log(`could not spend the signup link of ${maskEmail(email)}: ${loggableError(error)}`),
      );
      await unsubscribeWhereMoved(services, email, 'one-click');
    },
    close: () => clearInterval(timer),
  };
}
