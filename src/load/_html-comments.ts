/** Takes every `<!-- … -->` out of the lines it is given in order; a comment may span several. */
export function commentStripper(): { strip(line: string, index: number): string; opened(): number | undefined } {
  // The index of the line the comment still open began on.
  let open: number | undefined;
  return {
    opened: () => open,
    strip(line, index) {
      let out = '';
      let from = 0;
      for (;;) {
        if (open !== undefined) {
          const end = line.indexOf('-->', from);
          if (end < 0) return out;
          from = end + 3;
          open = undefined;
          continue;
        }
        const start = line.indexOf('<!--', from);
        if (start < 0) return out + line.slice(from);
        out += line.slice(from, start);
        from = start + 4;
        open = index;
      }
    },
  };
}
