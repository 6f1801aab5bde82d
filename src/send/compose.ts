import type { SendMailOptions } from 'nodemailer';
import { returnPathFor } from '../bounces/verp.js';
import type { Environment } from '../config/env.js';
import { type Problem, throwIfErrors } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Project } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import type { SubscriberTable } from '../model/subscriber-table.js';
import { printable } from '../printable.js';
import { readerFields } from '../render/fields.js';
import { roomReaders } from '../render/list-room.js';
import { longestRoleHolders } from '../render/quiet-room.js';
import type { CompiledVariant } from '../render/types.js';
import { personalLinks } from '../unsubscribe/links.js';
import { buildMailOptions, buildWireMailOptions, messageIdFor } from './message.js';
import type { RecipientList } from './plan.js';
import { refuseOversize, refuseWarnings, type SampleBytes } from './send-checks.js';
import { type MailTransport, rawBytes } from './transport.js';

/**
 * The render stage as the send sees it: compiled variants by id. Replaceable in tests. A send
 * hands it a few readers in `project.subscribers` (see `renderReaders`), not the whole list.
 */
export type Compile = (
  project: Project,
  variants: Variant[],
  options?: { clickSecret?: string | undefined; cacheSecret?: string | undefined; mjmlCache?: false | undefined },
) => Promise<Map<string, CompiledVariant>>;

/**
 * The readers a send's render is given: the first of each locale (the languages to compile) and
 * those holding the list's longest name, addresses and role names, which the size gate makes room for.
 */
export function renderReaders(subscribers: SubscriberTable): Subscriber[] {
  const readers = subscribers.localeSamples();
  const longest = roomReaders(subscribers);
  const roleHolders = longestRoleHolders(subscribers).holders;
  // The table makes a new object each time it is read: one reader is told by their address.
  const emails = new Set(readers.map((reader) => reader.email));
  for (const reader of [longest.greeting, longest.printed, longest.signed, longest.nameless, ...roleHolders]) {
    if (!reader || emails.has(reader.email)) continue;
    emails.add(reader.email);
    readers.push(reader);
  }
  return readers;
}

/** Loaded on first use: MJML is heavy, and commands that only read state never render. */
export const defaultCompile: Compile = async (project, variants, options) => {
  const { compileAudience } = await import('../render/index.js');
  return compileAudience(project, variants, options);
};

/** One subscriber's message: their variant, their links, their address and no other. */
export function buildFor(
  project: Project,
  env: Environment,
  compiled: ReadonlyMap<string, CompiledVariant>,
  subscriber: Subscriber,
  variantId: string,
  messageId: string,
  date: Date,
  options: { wholeMessage?: boolean; lastOfVariant?: boolean | undefined } = {},
): SendMailOptions {
  const variant = compiled.get(variantId);
  if (!variant) throw new Error(`variant ${variantId} was not compiled`);
  const links = personalLinks(project.config, env.secret, project.issue.id, subscriber.email);
  const fields = readerFields(links, subscriber);
  fields.sentAt = date;
  const message = {
    to: { address: subscriber.email, name: subscriber.name },
    links,
    messageId,
    date,
    returnPath: returnPathFor(project.config, env.secret, project.issue.id, subscriber.email),
  };
  // The variant's fixed text is encoded once and spliced; the whole-message writer stays as the reference.
  if (variant.template && !options.wholeMessage)
    return buildWireMailOptions(project.config, message, variant.template(fields), fields, {
      lastOfVariant: options.lastOfVariant,
    });
  return buildMailOptions(project.config, { ...message, content: variant.personalise(fields) });
}

/**
 * The size gate's measure of a variant as sent: the message built for its reader with the shortest
 * own fields (name, address, roles) in `sending`, found on the first call (one pass over the list),
 * measured as the transport sends it (a DKIM signature adds its header's bytes). Over the limit, no
 * reader of the variant fits; a reader whose longer name alone takes theirs over fails alone.
 */
export function smallestReaderBytes(
  project: Project,
  env: Environment,
  compiled: ReadonlyMap<string, CompiledVariant>,
  sending: RecipientList,
  date: Date,
  transport: Pick<MailTransport, 'bytesAsSent'>,
): SampleBytes {
  let smallest: Map<string, { subscriber: Subscriber; own: number }> | undefined;
  return (variantId) => {
    if (!smallest) {
      smallest = new Map();
      for (const { subscriber, variantId: id } of sending) {
        const own = ownBytes(subscriber);
        const seen = smallest.get(id);
        if (!seen || own < seen.own) smallest.set(id, { subscriber, own });
      }
    }
    const subscriber = smallest.get(variantId)?.subscriber;
    if (!subscriber) return undefined;
    const messageId = messageIdFor(project.config, project.issue.id, subscriber.email);
    const mail = buildFor(project, env, compiled, subscriber, variantId, messageId, date);
    return transport.bytesAsSent?.(mail) ?? rawBytes(mail);
  };
}

/** The bytes of a reader's own fields, those their message carries beside the variant's. */
function ownBytes(subscriber: Subscriber): number {
  const roles = subscriber.roles ?? [];
  return [subscriber.email, subscriber.name ?? '', subscriber.firstName ?? '', ...roles].reduce(
    (sum, field) => sum + Buffer.byteLength(field, 'utf8'),
    0,
  );
}

/**
 * Refuses the run before its first message, on one host and on PostgreSQL alike, when a variant it
 * sends (`counts`: readers by variant) is larger than the SMTP server's SIZE for all of its readers.
 */
export function refuseOversizeRun(
  transport: Pick<MailTransport, 'bytesAsSent' | 'maxMessageSize'>,
  project: Project,
  env: Environment,
  compiled: ReadonlyMap<string, CompiledVariant>,
  sending: RecipientList,
  counts: ReadonlyMap<string, number>,
  date: Date,
): void {
  refuseOversize(
    transport.maxMessageSize?.(),
    compiled,
    counts,
    smallestReaderBytes(project, env, compiled, sending, date, transport),
  );
}

/** Renders every variant; stops on error-level gate problems, passes warnings on. */
function notSentTo(problem: Problem): Problem {
  return problem.severity === 'error'
    ? { ...problem, severity: 'warning', message: `${problem.message} (no reader receives this edition in this send)` }
    : problem;
}

export async function renderChecked(
  compile: Compile,
  project: Project,
  variants: Variant[],
  log: (line: string) => void,
  clickSecret?: string | undefined,
  /** A dry run writes nothing, not even the MJML output cache. */
  writeNothing = false,
  /** Each warning told to the end-of-run count; with `strict`, a warning refuses the send. */
  warnings: { onWarning?: ((problem: Problem) => void) | undefined; strict?: boolean | undefined } = {},
): Promise<Map<string, CompiledVariant>> {
  if (project.config.tracking.clicks && !clickSecret)
    log('warning: tracking.clicks is on but ROLECAST_SECRET is not set, so links are sent untracked');
  const compiled = await compile(project, variants, writeNothing ? { clickSecret, mjmlCache: false } : { clickSecret });
  // The editor edition is compiled for every run, but only sent to readers without roles: when none
  // is in this run, its problems (the full cards of every story can pass the size limit that each
  // reader's edition stays under) are told, not a reason to send nobody anything.
  const sent = new Set(variants.map((v) => v.id));
  const problems = [...compiled.values()].flatMap((c) =>
    sent.has(c.variant.id) ? c.problems : c.problems.map(notSentTo),
  );
  throwIfErrors(problems, 'the rendered issue');
  for (const p of problems) {
    log(`warning: ${printable(p.file)}${p.field ? ` ${printable(p.field)}` : ''}: ${printable(p.message)}`);
    warnings.onWarning?.(p);
  }
  if (warnings.strict) refuseWarnings(problems);
  return compiled;
}
