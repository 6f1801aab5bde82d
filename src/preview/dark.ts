/**
 * Dark-mode emulation for the message frame. Browsers only honour `prefers-color-scheme` for the
 * whole page, so the preview rewrites the message's own media queries instead: dark rules become
 * always-true, light-only rules never match, and the frame's color-scheme is set to dark so form
 * controls and scroll bars follow. This shows what the template's dark styles do; it cannot show
 * the forced colour inversion some mail apps apply on top.
 */
export function emulateDarkMode(html: string): string {
  const rewritten = html
    .replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, '(min-width: 0px)')
    .replace(/\(\s*prefers-color-scheme\s*:\s*light\s*\)/gi, '(max-width: 0px)');
  const style = '<style>:root { color-scheme: dark; }</style>';
  return /<\/head>/i.test(rewritten) ? rewritten.replace(/<\/head>/i, `${style}</head>`) : style + rewritten;
}
