import { describe, expect, it } from 'vitest';
import { placeFreeBlocks } from '../../src/render/place-free.js';
import { loadTemplates } from '../../src/render/templates.js';

/**
 * Which `each` blocks give an element the same output wherever it stands in its list: a list slot
 * keeps such a block's output once per element, not once per place, so a contents entry shown at
 * many places across role sets runs Handlebars once.
 */

const file = (source: string) => ({ path: 'partials/intro.mjml.hbs', source });
const HELPERS = new Set(['if', 'unless', 'with', 'each', 'lookup', 'log', 'join', 'repeat']);
const free = (source: string) => placeFreeBlocks([file(source)], HELPERS).size === 1;

describe('place-free each blocks', () => {
  it.each([
    ['its element and the root only', '{{#each list}}<p>{{title}} {{@root.labels.x}}</p>{{/each}}', true],
    [
      'an inner loop and its own place',
      '{{#each list}}{{#each items}}{{@index}}{{#if @last}}.{{/if}}{{/each}}{{/each}}',
      true,
    ],
    [
      'if, unless and with on its element',
      '{{#each list}}{{#if href}}{{#with more}}{{name}}{{/with}}{{/if}}{{/each}}',
      true,
    ],
    ['the outer frame through ../', '{{#each list}}{{../title}}{{/each}}', true],
    ['@index', '{{#each list}}{{@index}}{{/each}}', false],
    ['@first in a test', '{{#each list}}{{#if @first}}first{{/if}}{{/each}}', false],
    ['@last in an unless', '{{#each list}}{{#unless @last}}, {{/unless}}{{/each}}', false],
    ['@key', '{{#each list}}{{@key}}{{/each}}', false],
    ['its place from an inner loop', '{{#each list}}{{#each items}}{{@../index}}{{/each}}{{/each}}', false],
    ['a block parameter for the place', '{{#each list as |item at|}}{{at}}{{/each}}', false],
    ['a partial, handed the frame', '{{#each list}}{{> card}}{{/each}}', false],
    ['a helper, handed the frame', '{{#each list}}{{join items}}{{/each}}', false],
    ['a block helper, handed the frame', '{{#each list}}{{#repeat 2}}x{{/repeat}}{{/each}}', false],
  ])('%s: %s', (_what, source, expected) => {
    expect(free(source)).toBe(expected);
  });

  it('a place two files share counts only when both blocks there qualify', () => {
    const a = file('{{#each list}}{{titles}}{{/each}}');
    const b = { path: 'partials/other.mjml.hbs', source: '{{#each list}}{{@index}}{{/each}}' };
    expect(placeFreeBlocks([a], HELPERS).size).toBe(1);
    expect(placeFreeBlocks([a, b], HELPERS).size).toBe(0);
  });

  it('finds the built-in contents list free of its place', async () => {
    const templates = await loadTemplates(undefined);
    const intro = templates.htmlPartials.get('intro')!;
    const found = placeFreeBlocks([intro], HELPERS);
    // The contents list, and the list of stories inside each of its sections.
    expect(found.size).toBeGreaterThanOrEqual(2);
  });
});
