import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { decodeText } from '../../src/load/_decode.js';
import { loadSummaryFile } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a UTF-8 summary holding one byte pasted from a Windows-1252 program', () => {
  let project: TempProject;
  afterEach(() => project?.cleanup());

  it('keeps its UTF-8 accents and dashes, reads the stray byte as Windows-1252 and names its line', async () => {
    project = await tempProject();
    const bytes = Buffer.concat([
      Buffer.from('Warm Pools — a café’s “cold start”\nSummary\nFrom 2019 ', 'utf8'),
      Buffer.from([0x96]), // an en dash as Windows-1252 writes it
      Buffer.from(' 2026, Zürich kept two pools.\nBest for: CTO\nSource: Café Weekly\n', 'utf8'),
    ]);
    const file = await project.write('a.txt', bytes);
    const { summary, problems } = await loadSummaryFile(file, taxonomy, 'a.txt');
    expect(summary?.title).toBe('Warm Pools — a café’s “cold start”');
    expect(summary?.summary).toBe('From 2019 – 2026, Zürich kept two pools.');
    expect(summary?.source).toBe('Café Weekly');
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^a\.txt:3: warning: file: is UTF-8 but holds a byte that is not UTF-8/),
    ]);
  });

  it('counts several stray bytes and names the line of the first', () => {
    const bytes = Buffer.concat([
      Buffer.from('Title — “quoted” — ✓ café\nline two ', 'utf8'),
      Buffer.from([0x93]),
      Buffer.from('x', 'utf8'),
      Buffer.from([0x94]),
      Buffer.from('\r\nline three é ü ö ä\n', 'utf8'),
    ]);
    const decoded = decodeText(bytes);
    expect(decoded.text).toBe('Title — “quoted” — ✓ café\nline two “x”\r\nline three é ü ö ä\n');
    expect(decoded.strayBytes).toEqual({ count: 2, firstLine: 2 });
  });

  it('still reads a Windows-1252 file wholly as Windows-1252, its UTF-8-like pairs included', () => {
    // „Straße“ twice and "Größe" in Windows-1252: DF 93 is also well-formed UTF-8, the other accents are not.
    const cp1252 = Buffer.from([
      0x84, 0x53, 0x74, 0x72, 0x61, 0xdf, 0x65, 0x93, 0x20, 0x84, 0x47, 0x72, 0x75, 0xdf, 0x93, 0x20, 0x47, 0x72, 0xf6,
      0xdf, 0x65, 0x20, 0x84, 0x46, 0x75, 0xdf, 0x93,
    ]);
    const decoded = decodeText(cp1252);
    expect(decoded.text).toBe('„Straße“ „Gruß“ Größe „Fuß“');
    expect(decoded.strayBytes).toBeUndefined();
    expect(decoded.legacyEncoding).toBe(true);
  });
});
