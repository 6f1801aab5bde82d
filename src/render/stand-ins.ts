import type { StandIns } from './splice.js';
import type { DigestView } from './view.js';

/**
 * A role-set class's stand-ins (see set-frames.ts): a view whose lines are tokens and whose list
 * elements are watched objects, which notice any use a fill could not reproduce.
 */
export interface StandInSet {
  standIns: StandIns;
  /** The view with its own lines and lists replaced by stand-ins. */
  standInView(view: DigestView): DigestView;
  lineToken(i: number): string;
  /** Splits a segment at its line and list-block tokens. */
  tokens: RegExp;
  holdsToken(segment: string): boolean;
  /** Forgets a use that kept the last class from being filled, before and after a class's render. */
  clearTaint(): void;
}

export function createStandIns(nonce: string): StandInSet {
  // A line's token and a list block's: the prefix, then the line's or the block's number.
  const linePrefix = `rcV${nonce}x`;
  const slotPrefix = `rcL${nonce}x`;
  const lineToken = (i: number) => `${linePrefix}${i}x`;
  const tokens = new RegExp(`${linePrefix}(\\d+)x|${slotPrefix}(\\d+)x`, 'g');
  // A search, not a cut: a section's segments are many, and would crowd the class's own out of its cache.
  const holdsToken = (segment: string) => segment.includes(linePrefix) || segment.includes(slotPrefix);

  // Stand-ins record how they are used.
  let elementReads = 0;
  let tainted = false;
  const positions = new WeakMap<object, number>();
  const lists = new WeakSet<object>();
  const standIns: StandIns = {
    isList: (value) => typeof value === 'object' && value !== null && lists.has(value),
    sectionAt: (value) => (typeof value === 'object' && value !== null ? positions.get(value) : undefined),
    elementReads: () => elementReads,
    tainted: () => tainted,
    slotToken: (k) => `${slotPrefix}${k}x`,
  };
  const element = (): object =>
    watched(() => {
      elementReads++;
    });
  const standInList = (length: number, sections: boolean): object[] => {
    const list = Array.from({ length }, (_, i) => {
      const one = element();
      if (sections) positions.set(one, i);
      return one;
    });
    lists.add(list);
    return list;
  };
  /** A line's stand-in: printed escaped it is its token; used any other way, the class is ordinary. */
  const line = (i: number): object => {
    const token = lineToken(i);
    const toHTML = () => token;
    // A partial kept by the values it reads keys them with JSON: a line's key is its token.
    const toJSON = () => token;
    const markTainted = () => {
      tainted = true;
    };
    // Made a string some other way (printed raw, used as a key): the class cannot be filled.
    const toPrimitive = () => {
      markTainted();
      return token;
    };
    return watched(markTainted, { toHTML, toJSON, [Symbol.toPrimitive]: toPrimitive });
  };

  const standInView = (view: DigestView): DigestView => {
    const lineOr = (i: number, value: string | undefined) => (value ? (line(i) as unknown as string) : value);
    return {
      ...view,
      subject: lineOr(0, view.subject)!,
      audience: lineOr(1, view.audience)!,
      issue: {
        ...view.issue,
        lead: lineOr(2, view.issue.lead)!,
        preheader: lineOr(3, view.issue.preheader),
        intro: lineOr(4, view.issue.intro),
      },
      contents: {
        ...view.contents,
        summary: lineOr(5, view.contents.summary)!,
        sections: standInList(view.contents.sections.length, false) as unknown as DigestView['contents']['sections'],
      },
      sections: standInList(view.sections.length, true) as unknown as DigestView['sections'],
    };
  };
  return {
    standIns,
    standInView,
    lineToken,
    tokens,
    holdsToken,
    clearTaint: () => {
      tainted = false;
    },
  };
}

/**
 * An object that answers only `answers` and reports every other use (a property read, `in`, a
 * listing of its keys) through `onUse`.
 */
function watched(onUse: () => void, answers: Record<string | symbol, unknown> = {}): object {
  return new Proxy(Object.create(null) as object, {
    get(_, property) {
      if (Object.hasOwn(answers, property)) return answers[property];
      onUse();
      return undefined;
    },
    has() {
      onUse();
      return false;
    },
    ownKeys() {
      onUse();
      return [];
    },
    getOwnPropertyDescriptor() {
      onUse();
      return undefined;
    },
  });
}
