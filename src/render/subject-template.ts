import Handlebars from 'handlebars';
import { RolecastError } from '../errors.js';
import { type Cache, createCache } from './_cache.js';

/**
 * A subject template, compiled once, and the subjects it wrote by the values it reads: variants
 * that share those (the subject usually reads {{lead}}, which names the top story and a count)
 * share a subject, however their role sets differ.
 */
interface SubjectTemplate {
  write: Handlebars.TemplateDelegate;
  /** Every name the template can read; undefined when it can read more than names (`this`, `@root`, partials). */
  reads: string[] | undefined;
  written: Cache<string, string>;
}

const subjectTemplates = new Map<string, SubjectTemplate>();

/** Subject from a Handlebars template; plain text, one line. */
export function renderSubject(source: string, values: Record<string, string | number>): string {
  let template = subjectTemplates.get(source);
  if (!template) {
    let write: Handlebars.TemplateDelegate;
    try {
      write = Handlebars.create().compile(source, { noEscape: true, strict: false });
      write({});
    } catch (cause) {
      throw new RolecastError('E_TEMPLATE', `the issue subject is not a valid template: ${(cause as Error).message}`, {
        cause,
      });
    }
    template = { write, reads: namesRead(source), written: createCache(1000) };
    subjectTemplates.set(source, template);
  }
  const key = template.reads && valuesKey(template.reads, values);
  if (key === undefined) return writeSubject(template.write, values);
  const write = template.write;
  return template.written.getOrSet(key, () => writeSubject(write, values));
}

function writeSubject(write: Handlebars.TemplateDelegate, values: Record<string, string | number>): string {
  return write(values)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/**
 * The values of `names`, each written with its type so that the key reads back as one list of
 * values; undefined for a value that is neither a string nor a number (not kept).
 */
function valuesKey(names: readonly string[], values: Record<string, string | number>): string | undefined {
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value: unknown = Object.hasOwn(values, name) ? values[name] : undefined;
    // A string is written with its length, so no two lists of values make the same key.
    if (typeof value === 'string') key += `s${value.length}:${value}`;
    else if (typeof value === 'number') key += `n${Object.is(value, -0) ? '-0' : String(value)};`;
    else if (value === undefined) key += 'u';
    else return undefined;
  }
  return key;
}

/**
 * The first name of every path a template mentions: all it can read of its values, which are
 * strings and numbers (a path into one reads that one). Undefined when it can read the values
 * object as a whole or by a computed name (`this`, `@root`, a literal path, a partial).
 */
export function namesRead(source: string): string[] | undefined {
  const names = new Set<string>();
  let plain = true;
  class Reads extends Handlebars.Visitor {
    override MustacheStatement(node: hbs.AST.MustacheStatement): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.MustacheStatement(node);
    }
    override BlockStatement(node: hbs.AST.BlockStatement): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.BlockStatement(node);
    }
    override SubExpression(node: hbs.AST.SubExpression): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.SubExpression(node);
    }
    override PartialStatement(): void {
      plain = false;
    }
    override PartialBlockStatement(): void {
      plain = false;
    }
    override Decorator(): void {
      plain = false;
    }
    override DecoratorBlock(): void {
      plain = false;
    }
    override PathExpression(path: hbs.AST.PathExpression): void {
      const head = path.parts[0];
      if (path.data || head === undefined) plain = false;
      else names.add(head);
    }
  }
  new Reads().accept(Handlebars.parse(source));
  return plain ? [...names] : undefined;
}
