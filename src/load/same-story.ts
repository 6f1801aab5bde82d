import type { Summary } from '../model/summary.js';

/**
 * Query parameters that only say where a click came from (newsletters, ads, social sites): two
 * links that differ only in these lead to the same article.
 */
const TRACKING = /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_hsenc|_hsmi|mkt_tok|ref_src|yclid)$/i;

/** A title as readers would recognise it again: case, spacing and Unicode form aside. */
export function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The article an http(s) link leads to, whichever way it was copied: `http` or `https`, with or
 * without `www.`, a trailing slash, a `#fragment` or tracking parameters. Undefined for other links
 * (a `mailto:` names a person, not an article). A fragment that is a route (`#/post/2`, `#!/post/2`,
 * as single-page sites write them) names the article, so it is kept; names and values stay
 * encoded, so `?q=a%26b%3Dc` is not read as `?q=a&b=c`.
 */
export function articleKey(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  const port = parsed.port && parsed.port !== '80' && parsed.port !== '443' ? `:${parsed.port}` : '';
  const path = parsed.pathname.replace(/\/+$/, '');
  const params = [...parsed.searchParams]
    .filter(([name]) => !TRACKING.test(name))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort();
  const route = /^#!?\//.test(parsed.hash) ? parsed.hash.replace(/\/+$/, '') : '';
  return `${host}${port}${path}${params.length ? `?${params.join('&')}` : ''}${route}`;
}

export interface StoryTwin {
  /** The id of the summary met first. */
  id: string;
  /** What they share: the same title, a link to the same article, or the same text. */
  by: 'title' | 'link' | 'text';
}

/** `fingerprint`, when given, is the text's (see pool/picked-record.ts): a copy under a new title is the same story. */
type StoryFields = Pick<Summary, 'id' | 'title' | 'url' | 'roles'> & { fingerprint?: string | undefined };

/**
 * Finds a summary that tells a story met before under another id — the same title, or a link to
 * the same article however it was copied — for a reader of one of its roles: the ids differ, so
 * nothing else notices, and that reader would get the story twice. One story written once for each
 * of two roles is no twin: each take goes to the readers it was written for. `oneReader`: every
 * summary given goes to the same reader (the cards of one email), so roles are not compared.
 */
export function storyTwins(options: { oneReader?: boolean } = {}): {
  /** The twin met before, if any; then remembers this summary too. */
  find(summary: StoryFields): StoryTwin | undefined;
  /** The twin met before, if any, without remembering this one. */
  twinOf(summary: StoryFields): StoryTwin | undefined;
  add(summary: StoryFields): void;
} {
  const met = new Map<string, StoryFields[]>();
  const keysOf = (summary: StoryFields) => {
    const link = articleKey(summary.url);
    // The text first: a copy word for word is said to be one, whatever its title.
    return [
      ...(summary.fingerprint ? [{ key: `text ${summary.fingerprint}`, by: 'text' as const }] : []),
      { key: `title ${titleKey(summary.title)}`, by: 'title' as const },
      ...(link ? [{ key: `link ${link}`, by: 'link' as const }] : []),
    ];
  };
  // A recurring column keeps its title (and often its blurb) week after week ("This week in
  // security"): a title or text shared by two links to different articles is two stories, not one.
  const otherArticle = (a: StoryFields, b: StoryFields) => {
    const [linkA, linkB] = [articleKey(a.url), articleKey(b.url)];
    return linkA !== undefined && linkB !== undefined && linkA !== linkB;
  };
  const twinOf = (summary: StoryFields) => {
    for (const { key, by } of keysOf(summary)) {
      const other = met
        .get(key)
        ?.find(
          (earlier) =>
            earlier.id !== summary.id &&
            (options.oneReader || earlier.roles.some((role) => summary.roles.includes(role))) &&
            !(by !== 'link' && otherArticle(earlier, summary)),
        );
      if (other) return { id: other.id, by };
    }
    return undefined;
  };
  const add = (summary: StoryFields) => {
    for (const { key } of keysOf(summary)) met.set(key, [...(met.get(key) ?? []), summary]);
  };
  return {
    find(summary) {
      const twin = twinOf(summary);
      add(summary);
      return twin;
    },
    twinOf,
    add,
  };
}

/** How a twin is described to the editor. */
export function twinReason(twin: StoryTwin): string {
  if (twin.by === 'text') return 'has the same text as';
  return twin.by === 'title' ? 'has the same title as' : 'links to the same article as';
}
