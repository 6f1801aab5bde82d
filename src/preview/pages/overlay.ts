import type { Problem } from '../../errors.js';
import { errorOverlay, layout } from './layout.js';

/** Shown when nothing has rendered yet; the page reloads itself once the project loads. */
export function overlayPage(problems: readonly Problem[], version: number, run?: string): string {
  return layout({ title: 'Errors', state: { version, run }, body: errorOverlay(problems, false), page: 'overlay' });
}
