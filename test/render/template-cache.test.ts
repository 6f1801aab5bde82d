import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { shareCompiledTemplates } from '../../src/render/template-cache.js';

/** Counts the JavaScript the Handlebars compiler generates for a whole template (not its inner blocks). */
function countCompiles() {
  const compiler = (
    Handlebars as unknown as { JavaScriptCompiler: { prototype: { compile: (...args: unknown[]) => unknown } } }
  ).JavaScriptCompiler.prototype;
  const original = compiler.compile;
  let count = 0;
  compiler.compile = function (this: unknown, ...args: unknown[]) {
    if (args[2] === undefined) count++;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    restore: () => {
      compiler.compile = original;
    },
  };
}

describe('shared compiled templates', () => {
  it('compiles a source once for every environment, each with its own helpers and partials', () => {
    const source = `<p>{{shout name}} {{> sign}}</p> ${Math.random()}`;
    const first = shareCompiledTemplates(Handlebars.create());
    const second = shareCompiledTemplates(Handlebars.create());
    first.registerHelper('shout', (value: string) => value.toUpperCase());
    second.registerHelper('shout', (value: string) => `${value}!`);
    first.registerPartial('sign', '— one');
    second.registerPartial('sign', '— two');
    const compiles = countCompiles();
    try {
      const a = first.compile(source, { strict: false })({ name: 'Ada <3' });
      const b = second.compile(source, { strict: false })({ name: 'Ada <3' });
      expect(a.startsWith('<p>ADA &lt;3 — one</p>')).toBe(true);
      expect(b.startsWith('<p>Ada &lt;3! — two</p>')).toBe(true);
      // The layout once, and each environment's own partial (different sources).
      expect(compiles.count).toBe(3);
    } finally {
      compiles.restore();
    }
  });

  it('keeps options apart: the same source without escaping gives other code', () => {
    const source = `{{value}} ${Math.random()}`;
    const env = shareCompiledTemplates(Handlebars.create());
    expect(env.compile(source)({ value: '<b>' }).startsWith('&lt;b&gt;')).toBe(true);
    expect(env.compile(source, { noEscape: true })({ value: '<b>' }).startsWith('<b>')).toBe(true);
  });

  it('shares a partial compiled by the runtime with the same partial compiled directly', () => {
    const partial = `[{{name}}] ${Math.random()}`;
    const env = shareCompiledTemplates(Handlebars.create());
    env.registerPartial('item', partial);
    const compiles = countCompiles();
    try {
      expect(env.compile(partial, { strict: false })({ name: 'x' }).startsWith('[x]')).toBe(true);
      // The runtime compiles "item" with the caller's options, blockParams and knownHelpers filled in.
      expect(env.compile('{{> item}}', { strict: false })({ name: 'y' }).startsWith('[y]')).toBe(true);
      expect(compiles.count).toBe(2);
    } finally {
      compiles.restore();
    }
  });

  it('reports a syntax error where the template first runs, as Handlebars does', () => {
    const env = shareCompiledTemplates(Handlebars.create());
    const broken = env.compile(`{{#if open}} never closed ${Math.random()}`);
    expect(() => broken({ open: true })).toThrow(/Expecting|Parse error/);
  });

  it('compiles an AST as Handlebars does, outside the cache', () => {
    const env = shareCompiledTemplates(Handlebars.create());
    const ast = Handlebars.parse('{{greeting}}, {{name}}');
    expect(env.compile(ast as unknown as string)({ greeting: 'Hi', name: 'Lin' })).toBe('Hi, Lin');
  });
});
