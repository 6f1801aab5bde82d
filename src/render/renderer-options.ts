import type { DateTime } from 'luxon';
import type { Variant } from '../group/index.js';
import type { Language } from '../i18n/index.js';
import type { MjmlResult } from './mjml.js';
import type { SetFrameStats } from './set-frames.js';
import type { TemplateSet } from './templates.js';
import type { CompiledVariant } from './types.js';
import type { CardStyle } from './view.js';

/** What a renderer is asked to do (see renderer.ts), and what it answers. */

export interface RendererOptions {
  /** Reserved for time-relative wording; rendering never reads the clock, so output is reproducible. */
  now?: DateTime;
  /** Collapse white space in the compiled HTML (default true). */
  minify?: boolean;
  /** Languages to compile each variant in; the list's own is always included. */
  languages?: readonly Language[];
  /** Card style for reader variants, in place of the config's `cards.style`. */
  cardStyle?: CardStyle;
  /** Where a card without an article link points (default: its archive page). */
  summaryHref?: (summaryId: string) => string | undefined;
  /** The signing key for tracked click links; without it (or with `tracking.clicks` off) links stay as written. */
  clickSecret?: string | undefined;
  /** Runs one MJML compile; replaceable to count or observe compiles. */
  compileMjml?: (source: string, templates: TemplateSet) => Promise<MjmlResult>;
  /** Assemble variants from compiled pieces (default true); false compiles every variant whole. */
  pieces?: boolean;
  /**
   * Where MJML output is kept between runs (see mjml-cache.ts): by default `cache/mjml` in the
   * state folder, none when `compileMjml` is replaced; false for none.
   */
  mjmlCache?: string | false;
  /** Seals the cache's entries (ROLECAST_SECRET); defaults to `clickSecret`, which a send passes. */
  cacheSecret?: string | undefined;
  /**
   * Without a secret, keep and read entries under a plain checksum, which anyone who can write to
   * the folder can forge: only for output that reaches no reader (a local preview, `check`). Off
   * by default, so without a secret a send, test send, build or archive compiles with MJML.
   */
  unsealedCache?: boolean;
  /**
   * A copy over the clip limit lists its last stories by headline (see headline-cut.ts); false
   * keeps every story in full, for a web page no inbox clips (the archive, where "Read the whole
   * issue online" leads).
   */
  headlines?: boolean;
}

export interface Renderer {
  compile(variant: Variant): Promise<CompiledVariant>;
  /** How many variants were filled from a role-set class (see set-frames.ts), when pieces are on. */
  readonly classes?: SetFrameStats | undefined;
}
