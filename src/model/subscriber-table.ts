import { detach } from '../detach.js';
import type { Subscriber } from './subscriber.js';

/**
 * Validated readers kept as columns rather than an object each: their own text (address, name,
 * first name) as UTF-8 in large shared buffers, and small integers for what readers share (role
 * set, time zone, locale, status). A million readers cost some 60 bytes each, mostly outside the
 * JavaScript heap, instead of some 140 bytes of heap objects that every collection walks.
 * `get` builds the reader exactly as it was added, when it is needed (a message, a plan step).
 */
export class SubscriberTable implements Iterable<Subscriber> {
  #length = 0;
  readonly #chunks: Chunk[] = [];
  readonly #text: Buffer[] = [];
  #textUsed = TEXT_BLOCK;
  // Shared values: index + 1 in the columns, 0 for absent.
  readonly #roleSets: (readonly string[])[] = [];
  readonly #roleSetIndex = new Map<readonly string[], number>();
  readonly #zones = createInterned();
  readonly #locales = createInterned();
  readonly #firstOfLocale = new Map<number, number>();
  // Readers whose text UTF-8 cannot carry as written (a lone surrogate) or that is too long for a column.
  readonly #odd = new Map<number, OwnText>();
  readonly #maxTextBlocks: number;

  /** `maxTextBlocks` lowers the limit of 1 MB text blocks (for tests of a full table). */
  constructor(options: { maxTextBlocks?: number } = {}) {
    this.#maxTextBlocks = Math.min(options.maxTextBlocks ?? MAX_TEXT_BLOCKS, MAX_TEXT_BLOCKS);
  }

  get length(): number {
    return this.#length;
  }

  /** A table holding these readers, in order. */
  static from(subscribers: Iterable<Subscriber>): SubscriberTable {
    const table = new SubscriberTable();
    for (const subscriber of subscribers) table.push(subscriber);
    return table;
  }

  /**
   * Adds a reader. Its roles array is kept as it is and shared with every reader added with the
   * same array (a loaded list passes one array per distinct role set); strings are copied.
   */
  push(subscriber: Subscriber): void {
    const index = this.#length;
    const slot = index & CHUNK_MASK;
    if (slot === 0) this.#chunks.push(createChunk());
    const chunk = this.#chunks[index >>> CHUNK_BITS]!;
    const { email, name, firstName } = subscriber;
    // At most three bytes of UTF-8 per UTF-16 unit: room is made for that much, and the bytes written are counted.
    const most = 3 * (email.length + (name?.length ?? 0) + (firstName?.length ?? 0));
    if (most >= ODD || oddText(email) || oddText(name) || oddText(firstName)) {
      this.#odd.set(index, ownCopy(email, name, firstName));
      chunk.emailBytes[slot] = ODD;
    } else {
      if (this.#textUsed + most > TEXT_BLOCK) {
        // Offsets are 32-bit: past 4 GB of text they would wrap and point at another reader's address.
        if (this.#text.length >= this.#maxTextBlocks)
          throw new RangeError('the reader table is full (4 GB of addresses and names)');
        this.#text.push(Buffer.allocUnsafe(TEXT_BLOCK));
        this.#textUsed = 0;
      }
      const block = this.#text.at(-1)!;
      const start = this.#textUsed;
      const emailBytes = block.write(email, start);
      const nameBytes = name === undefined ? 0 : block.write(name, start + emailBytes);
      const firstBytes = firstName === undefined ? 0 : block.write(firstName, start + emailBytes + nameBytes);
      this.#textUsed = start + emailBytes + nameBytes + firstBytes;
      chunk.start[slot] = (this.#text.length - 1) * TEXT_BLOCK + start;
      chunk.emailBytes[slot] = emailBytes;
      chunk.nameBytes[slot] = name === undefined ? 0 : nameBytes + 1;
      chunk.firstBytes[slot] = firstName === undefined ? 0 : firstBytes + 1;
    }
    let roleSet = this.#roleSetIndex.get(subscriber.roles);
    if (roleSet === undefined) {
      roleSet = this.#roleSets.push(subscriber.roles) - 1;
      this.#roleSetIndex.set(subscriber.roles, roleSet);
    }
    chunk.roleSet[slot] = roleSet;
    chunk.zone[slot] = this.#zones.index(subscriber.timezone);
    chunk.locale[slot] = this.#locales.index(subscriber.locale);
    if (!this.#firstOfLocale.has(chunk.locale[slot]!)) this.#firstOfLocale.set(chunk.locale[slot]!, index);
    chunk.unsubscribed[slot] = subscriber.status === 'unsubscribed' ? 1 : 0;
    this.#length++;
  }

  /** The reader at `index` (list order), as it was added: same fields, same order, same values. */
  get(index: number): Subscriber {
    const chunk = this.#chunk(index);
    const slot = index & CHUNK_MASK;
    const roles = this.#roleSets[chunk.roleSet[slot]!]! as string[];
    const zone = chunk.zone[slot]!;
    const locale = chunk.locale[slot]!;
    const status = chunk.unsubscribed[slot] ? 'unsubscribed' : 'active';
    const own = this.#ownText(chunk, slot, index);
    // The usual shape as a literal, like the loader's own: its fields live in the object itself.
    if (own.firstName === undefined && zone === 0 && locale === 0)
      return own.name === undefined
        ? { email: own.email, roles, status }
        : { email: own.email, name: own.name, roles, status };
    const subscriber = { email: own.email } as Subscriber;
    if (own.name !== undefined) subscriber.name = own.name;
    if (own.firstName !== undefined) subscriber.firstName = own.firstName;
    subscriber.roles = roles;
    if (zone !== 0) subscriber.timezone = this.#zones.values[zone - 1]!;
    if (locale !== 0) subscriber.locale = this.#locales.values[locale - 1]!;
    subscriber.status = status;
    return subscriber;
  }

  /**
   * How many readers not unsubscribed (nor `leftOut`, given their address) hold each distinct role
   * set, without building a reader.
   */
  activeRoleSets(leftOut?: (email: string) => boolean): Map<readonly string[], number> {
    const counts = new Map<readonly string[], number>();
    for (let index = 0; index < this.#length; index++) {
      const chunk = this.#chunk(index);
      const slot = index & CHUNK_MASK;
      if (chunk.unsubscribed[slot]) continue;
      if (leftOut?.(this.email(index))) continue;
      const roles = this.#roleSets[chunk.roleSet[slot]!]!;
      counts.set(roles, (counts.get(roles) ?? 0) + 1);
    }
    return counts;
  }

  /** The address of the reader at `index`, without building the reader. */
  email(index: number): string {
    const chunk = this.#chunk(index);
    const slot = index & CHUNK_MASK;
    const bytes = chunk.emailBytes[slot]!;
    if (bytes === ODD) return this.#odd.get(index)!.email;
    const start = chunk.start[slot]!;
    return this.#text[Math.floor(start / TEXT_BLOCK)]!.toString(
      'utf8',
      start % TEXT_BLOCK,
      (start % TEXT_BLOCK) + bytes,
    );
  }

  /** The first reader of each distinct locale (no locale being one), in list order: what a render needs to know of languages. */
  localeSamples(): Subscriber[] {
    return [...this.#firstOfLocale.values()].sort((a, b) => a - b).map((index) => this.get(index));
  }

  *[Symbol.iterator](): Iterator<Subscriber> {
    for (let index = 0; index < this.#length; index++) yield this.get(index);
  }

  toArray(): Subscriber[] {
    const subscribers = new Array<Subscriber>(this.#length);
    for (let index = 0; index < this.#length; index++) subscribers[index] = this.get(index);
    return subscribers;
  }

  #chunk(index: number): Chunk {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length)
      throw new RangeError(`reader ${index} is not in the table`);
    return this.#chunks[index >>> CHUNK_BITS]!;
  }

  #ownText(chunk: Chunk, slot: number, index: number): OwnText {
    const emailBytes = chunk.emailBytes[slot]!;
    if (emailBytes === ODD) return this.#odd.get(index)!;
    const start = chunk.start[slot]!;
    const block = this.#text[Math.floor(start / TEXT_BLOCK)]!;
    const at = start % TEXT_BLOCK;
    const nameAt = at + emailBytes;
    const nameBytes = chunk.nameBytes[slot]!;
    const firstAt = nameBytes === 0 ? nameAt : nameAt + nameBytes - 1;
    const firstBytes = chunk.firstBytes[slot]!;
    const email = block.toString('utf8', at, nameAt);
    const name = nameBytes === 0 ? undefined : block.toString('utf8', nameAt, firstAt);
    const firstName = firstBytes === 0 ? undefined : block.toString('utf8', firstAt, firstAt + firstBytes - 1);
    return { email, name, firstName };
  }
}

interface OwnText {
  email: string;
  name: string | undefined;
  firstName: string | undefined;
}

/** Columns for 65,536 readers: a list grows by whole chunks, never by copying what it holds. */
interface Chunk {
  start: Uint32Array;
  emailBytes: Uint16Array;
  nameBytes: Uint16Array;
  firstBytes: Uint16Array;
  roleSet: Uint32Array;
  zone: Uint32Array;
  locale: Uint32Array;
  unsubscribed: Uint8Array;
}

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** Text is written in blocks this size; a reader's text never straddles two. */
const TEXT_BLOCK = 1 << 20;
/** Text blocks a 32-bit offset can reach. */
export const MAX_TEXT_BLOCKS = 2 ** 32 / TEXT_BLOCK;
/** In `emailBytes`: the reader's text is kept as strings, in `#odd`. */
const ODD = 0xffff;
/** A lone surrogate: UTF-8 would write U+FFFD in its place. */
const LONE_SURROGATE = /\p{Cs}/u;

const oddText = (text: string | undefined): boolean => text !== undefined && LONE_SURROGATE.test(text);

function createChunk(): Chunk {
  return {
    start: new Uint32Array(CHUNK_SIZE),
    emailBytes: new Uint16Array(CHUNK_SIZE),
    nameBytes: new Uint16Array(CHUNK_SIZE),
    firstBytes: new Uint16Array(CHUNK_SIZE),
    roleSet: new Uint32Array(CHUNK_SIZE),
    zone: new Uint32Array(CHUNK_SIZE),
    locale: new Uint32Array(CHUNK_SIZE),
    unsubscribed: new Uint8Array(CHUNK_SIZE),
  };
}

/** Distinct strings, each kept once; `index` answers 0 for undefined, else position + 1. */
function createInterned() {
  const values: string[] = [];
  const positions = new Map<string, number>();
  return {
    values,
    index(value: string | undefined): number {
      if (value === undefined) return 0;
      let position = positions.get(value);
      if (position === undefined) {
        // A copy of its own: a string read from a file may be a slice holding a whole piece of it.
        position = values.push(detach(value));
        positions.set(values[position - 1]!, position);
      }
      return position;
    },
  };
}

function ownCopy(email: string, name: string | undefined, firstName: string | undefined): OwnText {
  return {
    email: detach(email),
    name: name === undefined ? undefined : detach(name),
    firstName: firstName === undefined ? undefined : detach(firstName),
  };
}
