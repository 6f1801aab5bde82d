import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contrast } from '../../src/render/_colour.js';
import { contrastPairs, palette } from '../../src/render/palette.js';

/**
 * The palette fades the header's date line towards the brand colour for a quieter look, but never
 * below WCAG AA where the header's own text meets it: a brand colour that passes gives no warning.
 */

const brand = (primaryColor: string) => ({
  name: 'Weekly',
  primaryColor,
  accentColor: '#e8590c',
  backgroundColor: '#f3f4f6',
  logoUrl: undefined,
  logoAlt: 'Weekly',
});

describe('the header date line', () => {
  it.each(['#1971c2', '#e03131', '#1f3a5f', '#2f9e44', '#f59f00'])(
    'on %s keeps AA wherever the title has it',
    (primary) => {
      const colours = palette(brand(primary) as never);
      const title = contrast(colours.onPrimary!, primary);
      const dateLine = contrast(colours.onPrimaryMuted!, primary);
      if (title >= 4.5) expect(dateLine).toBeGreaterThanOrEqual(4.5);
      expect(dateLine).toBeLessThanOrEqual(title);
    },
  );

  it('keeps AA for any brand colour whose header text has it, and still fades where there is room', () => {
    const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);
    fc.assert(
      fc.property(hex, (primary) => {
        const colours = palette(brand(primary) as never);
        const pairs = contrastPairs(colours);
        const title = pairs.find((p) => p.name === 'header text')!;
        const line = pairs.find((p) => p.name === 'header date line')!;
        if (contrast(title.fg, title.bg) >= 4.5) expect(contrast(line.fg, line.bg)).toBeGreaterThanOrEqual(4.5);
      }),
      { numRuns: 300 },
    );
    // Navy has contrast to spare: its date line is still a quieter colour than the title.
    const navy = palette(brand('#1f3a5f') as never);
    expect(navy.onPrimaryMuted).not.toBe(navy.onPrimary);
  });
});
