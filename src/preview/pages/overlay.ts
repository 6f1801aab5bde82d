import type { Problem } from '../../errors.js';
import { errorOverlay, layout } from './layout.js';

/**
 * Shown when nothing has rendered yet; the page reloads itself once the project loads. At a view's
 * address it leaves out the problems naming an address, as the view would.
 */
export function overlayPage(problems: readonly Problem[], version: number, run?: string, onView = false): string {
  return layout({
    title: 'Errors',
    state: { version, run },
    body: errorOverlay(problems, false, onView),
    page: 'overlay',
  });
}
