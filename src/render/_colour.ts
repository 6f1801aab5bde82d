/** Colour arithmetic for the brand palette: keep text on brand colours at WCAG AA contrast. */

type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function format([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(hex: string): number {
  const [r, g, b] = parse(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `colour` blended towards `target` by `amount` (0 = unchanged, 1 = target). */
export function mix(colour: string, target: string, amount: number): string {
  const a = parse(colour);
  const b = parse(target);
  return format([0, 1, 2].map((i) => a[i]! + (b[i]! - a[i]!) * amount) as Rgb);
}

/**
 * `colour` faded towards `background` by up to `amount`, only as far as it keeps `ratio` on it:
 * unchanged when it has no contrast to spare.
 */
export function fadedOn(colour: string, background: string, amount: number, ratio = 4.5): string {
  for (let step = Math.round(amount * 100); step > 0; step--) {
    const candidate = mix(colour, background, step / 100);
    if (contrast(candidate, background) >= ratio) return candidate;
  }
  return colour;
}

/** White or near-black, whichever reads better on `background`. */
export function textOn(background: string): string {
  return contrast('#ffffff', background) >= contrast('#111827', background) ? '#ffffff' : '#111827';
}

/** Darkens (or lightens) `colour` in small steps until `against` reaches `ratio` on it. */
export function withContrast(colour: string, against: string, ratio = 4.5): string {
  const towards = luminance(against) > 0.5 ? '#000000' : '#ffffff';
  for (let step = 0; step <= 20; step++) {
    const candidate = mix(colour, towards, step * 0.05);
    if (contrast(candidate, against) >= ratio) return candidate;
  }
  return towards;
}
