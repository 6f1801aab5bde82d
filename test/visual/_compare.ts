import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/**
 * Pixel comparison that tolerates font anti-aliasing: pixelmatch's per-pixel threshold absorbs
 * small colour shifts, anti-aliased pixels are not counted, and a small share of differing pixels
 * passes. A layout change (a moved block, a new line) differs in far more pixels than that.
 */
export const PIXEL_THRESHOLD = 0.2;
/** Share of all pixels that may differ: 0.3 %. */
export const MAX_DIFF_RATIO = 0.003;

export interface Comparison {
  ok: boolean;
  /** Differing pixels, counting every pixel outside the smaller image as different. */
  differing: number;
  ratio: number;
  sizes: string;
  diff: Buffer;
}

export function comparePng(actual: Buffer, expected: Buffer): Comparison {
  const a = PNG.sync.read(actual);
  const b = PNG.sync.read(expected);
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const crop = (img: PNG) => {
    if (img.width === width && img.height === height) return img.data;
    const out = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++)
      img.data.copy(out, y * width * 4, y * img.width * 4, y * img.width * 4 + width * 4);
    return out;
  };
  const diff = new PNG({ width, height });
  const changed = pixelmatch(crop(a), crop(b), diff.data, width, height, {
    threshold: PIXEL_THRESHOLD,
    includeAA: false,
  });
  const total = Math.max(a.width * a.height, b.width * b.height);
  const differing = changed + (total - width * height);
  const ratio = differing / total;
  return {
    ok: ratio <= MAX_DIFF_RATIO,
    differing,
    ratio,
    sizes: `${a.width}×${a.height} vs baseline ${b.width}×${b.height}`,
    diff: PNG.sync.write(diff),
  };
}
