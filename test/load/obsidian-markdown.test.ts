import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Markdown summaries written in Obsidian: wikilinks and callouts read as Obsidian shows them. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  return parseSummary(['---', 'title: Meshes', 'roles: [CTO]', '---', ...body, ''].join('\n'), 'mesh.md', taxonomy);
}

describe('Obsidian wikilinks in a Markdown body', () => {
  it('show the text after the bar, or the page name', () => {
    const { summary, problems } = load('## Summary', 'Teams adopt [[Data Mesh|mesh thinking]] and [[Data Contracts]].');
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Teams adopt mesh thinking and Data Contracts.');
  });

  it('stay as written right after a word and in code', () => {
    const { summary } = load('## Summary', 'Index m[[i]] as `[[Data Mesh]]` shows, or [[ ]].');
    expect(summary?.summary).toBe('Index m[[i]] as [[Data Mesh]] shows, or [[ ]].');
  });
});

describe('Obsidian callouts in a Markdown body', () => {
  it.each([
    ['> [!summary] The gist', 'The gist Ownership moves to domains.'],
    ['> [!tip]', 'Ownership moves to domains.'],
    ['> [!faq]- Why?', 'Why? Ownership moves to domains.'],
  ])('show %s without its type', (opening, shown) => {
    const { summary, problems } = load('## Summary', opening, '> Ownership moves to domains.');
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(shown);
  });

  it('leave a bracketed note that is no callout as written', () => {
    expect(load('## Summary', '> [sic] Ownership moves.').summary?.summary).toBe('[sic] Ownership moves.');
  });
});
