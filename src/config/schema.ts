import { z } from 'zod';
import { isLoopbackHost } from '../_loopback.js';
import type { Problem } from '../errors.js';
import { LIMITS } from '../load/limits.js';
import { bcp47Locale, headerSafe, httpUrl, ianaZone, listAddress } from '../model/_fields.js';
import { HOLDS_PASSWORD, holdsPassword, NOT_POSTGRES_URL, POSTGRES_URL } from './_database-url.js';
import { unsubscribePathTaken } from './served-paths.js';

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written as #rrggbb');

/** Node's timers hold at most 2^31 − 1 ms (~24.8 days); a longer wait fires at once, with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `tracking.scannerBurstLinks` when not set, also for a click route set up in code. */
export const DEFAULT_SCANNER_BURST_LINKS = 4;

export const ConfigSchema = z.object({
  $schema: z.string().optional(),
  sender: z.object({
    name: headerSafe.pipe(z.string().trim().min(1).max(LIMITS.nameLength)),
    email: listAddress,
  }),
  replyTo: listAddress.optional(),
  /** RFC 2919 list identifier, e.g. `weekly.rolecast.example`. */
  listId: z
    .string()
    .refine(
      isListId,
      'must be labels of letters, digits and dashes joined by single dots, e.g. weekly.example.com (RFC 2919)',
    ),
  brand: z
    .object({
      // The List-Id header carries it as its display name.
      name: headerSafe.pipe(z.string().trim().min(1).max(LIMITS.nameLength)),
      primaryColor: colour.default('#1f3a5f'),
      accentColor: colour.default('#e8590c'),
      backgroundColor: colour.default('#f3f4f6'),
      logoUrl: httpUrl.optional(),
      logoAlt: z.string().trim().optional(),
    })
    // Without a brand, the config loader names the list after its sender.
    .default({ name: 'Rolecast', primaryColor: '#1f3a5f', accentColor: '#e8590c', backgroundColor: '#f3f4f6' }),
  /** Postal address and legal line: anti-spam laws (CAN-SPAM, CASL) require a postal address. */
  footer: z.object({
    postalAddress: z.string().trim().min(1, 'is required by anti-spam law in most countries'),
    legal: z.string().trim().optional(),
  }),
  urls: z
    .object({
      /** RFC 8058 one-click needs https; plain http is accepted only on loopback, for local trials. */
      unsubscribe: httpUrl
        .refine((url) => /^https:\/\//i.test(url) || isLoopbackHost(hostOf(url)), {
          message: 'must be an https:// URL (one-click unsubscribe requires https)',
        })
        .optional(),
      preferences: httpUrl.optional(),
      archive: httpUrl.optional(),
      /** The signup page, for the footer's "Forwarded this? Subscribe" link. */
      subscribe: httpUrl.optional(),
    })
    .superRefine((urls, ctx) => {
      // `serve` answers each of its paths with one page: the one-click endpoint must have its own.
      let own: string | undefined;
      try {
        own = unsubscribePathTaken(urls);
      } catch {
        return; // a URL that does not parse is reported by its own field
      }
      if (own !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['unsubscribe'],
          message: `uses the path ${own}, which serve answers with another page`,
          params: { hint: 'give the one-click endpoint a path of its own, such as /unsubscribe' },
        });
    })
    .default({}),
  /** Mailbox that receives `mailto:` unsubscribe requests from List-Unsubscribe. */
  unsubscribeMailto: listAddress.optional(),
  timezone: ianaZone.default('UTC'),
  locale: bcp47Locale.default('en-GB'),
  /** Reader cards: `compact` (teaser, short summary, takeaway, a few tips) or `full` (everything). */
  cards: z.object({ style: z.enum(['compact', 'full']).default('compact') }).default({ style: 'compact' }),
  /** What the greeting calls a reader without a name ("Hi there,"); the catalogue's word when unset. */
  greetingFallback: z.string().trim().min(1).max(LIMITS.nameLength).optional(),
  roleOrder: z.array(z.string().trim().min(1)).default([]),
  /** Folders and files, relative to the config file. */
  templates: z.string().default('templates'),
  roles: z.string().default('roles.yaml'),
  /** The content pool: summaries shared across issues, picked by `rolecast new`. */
  pool: z.string().default('summaries'),
  /** How many pool summaries `rolecast new` picks for each role at most. */
  perRole: z.number().int().min(1).max(50).default(3),
  /** Where send state (ledger, suppression list) lives, relative to the config file. */
  stateDir: z.string().default('.rolecast'),
  /**
   * `postgres://user@host/db` (no password here: pg reads PGPASSWORD from the environment): the
   * state every host shares. DATABASE_URL overrides it; with neither, the SQLite file in stateDir.
   */
  database: z
    .object({
      url: z
        .string()
        .regex(POSTGRES_URL, NOT_POSTGRES_URL)
        .refine((url) => !holdsPassword(url), HOLDS_PASSWORD)
        .optional(),
    })
    .strict()
    .default({}),
  send: z
    .object({
      concurrency: z.number().int().min(1).max(50).default(5),
      // Slower than one message an hour is a typo, and would overflow the timers that pace it.
      ratePerSecond: z
        .number()
        .min(1 / 3600, 'must be at least one message an hour (1/3600)')
        .default(50),
      retries: z.number().int().min(0).max(20).default(4),
      retryBaseMs: z.number().int().min(1).max(MAX_TIMER_MS).default(1000),
      /** A greylisted reader's next try: after the greylisting delay (most wait 5 minutes), not a backoff of seconds. */
      greylistRetryMs: z.number().int().min(1).max(MAX_TIMER_MS).default(360_000),
      graceHours: z.number().min(0).default(2),
      /** A stalled server must not hold a connection for minutes; a timeout is retried. */
      connectionTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(30_000),
      greetingTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(30_000),
      socketTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(60_000),
      /** The wait for the reply to a message's final dot (RFC 5321: 10 minutes); not retried when it runs out. */
      finalReplyTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).default(600_000),
      /**
       * smtp:// to any server only over STARTTLS, password or not. Off, TLS is insisted on only to
       * carry a password to a server elsewhere: a relay on the LAN that takes mail by address
       * often offers no TLS at all.
       */
      requireTls: z.boolean().default(false),
    })
    .default({
      concurrency: 5,
      ratePerSecond: 50,
      retries: 4,
      retryBaseMs: 1000,
      greylistRetryMs: 360_000,
      graceHours: 2,
      connectionTimeoutMs: 30_000,
      greetingTimeoutMs: 30_000,
      socketTimeoutMs: 60_000,
      finalReplyTimeoutMs: 600_000,
      requireTls: false,
    }),
  /** Signup, confirmation and preferences pages served by `rolecast serve` (see src/serve/readers). */
  readers: z
    .object({
      /** How long a confirmation link stays valid. */
      confirmHours: z.number().positive().max(720).default(48),
      /** Signups never confirmed are deleted after this long. */
      purgePendingHours: z.number().positive().max(8760).default(168),
      /** Send a welcome message once a reader confirms. */
      welcome: z.boolean().default(false),
      /** Version of the signup form's consent wording, recorded with each signup. */
      consentWording: z.string().trim().min(1).max(100).default('v1'),
      /** Per-process limits on POST /subscribe: requests per IP and confirmation mails per address, per hour. */
      perIpPerHour: z.number().int().positive().default(20),
      perAddressPerHour: z.number().int().positive().default(3),
      /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
      trustProxy: z.boolean().default(false),
    })
    .default({
      confirmHours: 48,
      purgePendingHours: 168,
      welcome: false,
      consentWording: 'v1',
      perIpPerHour: 20,
      perAddressPerHour: 3,
      trustProxy: false,
    }),
  /** Click analytics (see "Analytics" in the README); off unless turned on. */
  tracking: z
    .object({
      clicks: z.boolean().default(false),
      /** Reader identity in click links would be personal data; this version never records it. */
      perReader: z
        .boolean()
        .refine((on) => !on, 'per-reader click tracking is not available: clicks are counted without reader identity')
        .default(false),
      /**
       * Where `/c/…` links point; by default beside `urls.unsubscribe` on the same `serve`. A token
       * is added to its path, so a query or fragment would end up before it and no link would open.
       */
      baseUrl: httpUrl
        .refine((value) => !/[?#]/.test(value), {
          message: 'must not hold a query (?…) or a fragment (#…): each click link adds its token to the path',
          params: { hint: 'write the address up to its path, e.g. https://t.example.com/c/' },
        })
        .optional(),
      /** A click this soon after its message was sent is a link scanner's, not a reader's. */
      scannerWindowSeconds: z.number().int().min(0).max(3600).default(30),
      /**
       * A client opening this many different links of one copy (an issue's role set) within one second is a scanner
       * checking the message later than its window (greylisting, a forward): none of them count. 0: off.
       */
      scannerBurstLinks: z
        .number()
        .int()
        .min(0)
        .max(100)
        .refine((value) => value !== 1, 'must be 0 (off) or at least 2: a burst of one link would be every click')
        .default(DEFAULT_SCANNER_BURST_LINKS),
      /**
       * A role set held by fewer readers in a send has no `?v=` in its click links: with the ledger,
       * a role set of one reader would tie their clicks to them.
       */
      minVariantReaders: z.number().int().min(1).max(1000).default(2),
    })
    .default({
      clicks: false,
      perReader: false,
      scannerWindowSeconds: 30,
      scannerBurstLinks: DEFAULT_SCANNER_BURST_LINKS,
      minVariantReaders: 2,
    }),
  /** Bounce handling: a VERP return path on `domain`, and how many soft bounces in a row suppress a reader. */
  bounces: z
    .object({
      domain: z
        .string()
        .trim()
        .toLowerCase()
        .refine(isDomainName, 'must be a domain name whose mail reaches you, e.g. bounces.example.com')
        .optional(),
      softLimit: z.number().int().min(1).max(100).default(3),
      /**
       * The name the server of the mailbox `bounces import` reads writes in Authentication-Results
       * (e.g. mx.google.com): only its results vouch for the sender of an unsubscribe request by mail.
       */
      authServId: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'must be a server name such as mx.example.com')
        .optional(),
    })
    .default({ softLimit: 3 }),
  /** Size gate for one message as encoded for sending. Gmail clips above ~102 KB. */
  sizeLimitKb: z.number().positive().default(100),
  sizeWarnKb: z.number().positive().default(80),
});

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.infer<typeof ConfigSchema>;

/** Resolved config: paths made absolute against the folder the config came from. */
export interface ResolvedConfig extends Config {
  /** Absolute path of the config file, or undefined when built-in defaults were used. */
  file: string | undefined;
  /** Warnings found in the file (unknown keys), shown with the project's load warnings. */
  problems?: Problem[];
  templatesDir: string;
  rolesFile: string;
  poolDir: string;
  stateDirAbs: string;
}

/**
 * Two or more host-name labels (letters, digits and inner dashes, up to 63 each) joined by dots:
 * a List-Id is a dot-atom (RFC 2919), so no label may be empty (`weekly..example`), and a bounce
 * domain must be a host name. Checked label by label, which cannot backtrack over the dots.
 */
function isDomainName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label));
}

const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/**
 * A List-Id (RFC 2919): a dot-atom, so no empty label (`weekly..example`), here of letters, digits
 * and dashes as before, two labels or more. Looser than a host name: a list id that went out in
 * earlier issues stays the same list (its preferences links and Message-IDs depend on it).
 */
function isListId(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return labels.length >= 2 && /^[a-zA-Z0-9]/.test(value) && labels.every((label) => /^[a-zA-Z0-9-]+$/.test(label));
}

/** The host of a URL, or '' when it does not parse (the URL check beside it reports that). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
