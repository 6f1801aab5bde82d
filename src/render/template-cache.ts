import type Handlebars from 'handlebars';

/**
 * Handlebars template code shared between environments. Compiling a template (parse, then
 * generate and evaluate its JavaScript) costs far more than running it, and a render compiles the
 * same partials in several environments (plain, traced, pieces, text), each of which would compile
 * them again; `serve` and send workers render issue after issue. The generated code does not
 * depend on the environment (helpers and partials are looked up when it runs), so it is kept per
 * source and options and bound to each environment that asks.
 */

type Env = typeof Handlebars;
type CompileOptions = NonNullable<Parameters<Env['compile']>[1]>;
type TemplateSpec = Parameters<Env['template']>[0];

/** The compiler internals `Handlebars.compile` itself uses. */
interface CompilerInternals {
  parse(input: string, options: CompileOptions): unknown;
  Compiler: new () => { compile(ast: unknown, options: CompileOptions): unknown };
  JavaScriptCompiler: new () => {
    compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpec;
  };
}

/** Enough for the templates of several projects; the oldest is dropped first. */
const MAX_SPECS = 256;
const specs = new Map<string, TemplateSpec>();

/** Makes `env.compile` take template code from the shared cache; ASTs are compiled as before. */
export function shareCompiledTemplates(env: Env): Env {
  const compileOwn = env.compile.bind(env);
  env.compile = ((input: unknown, options?: CompileOptions) =>
    typeof input === 'string'
      ? compileShared(env, input, options)
      : compileOwn(input as string, options)) as Env['compile'];
  return env;
}

/** As `Handlebars.compile`: compiled on first use, so a syntax error is thrown where the template runs. */
function compileShared(env: Env, source: string, given: CompileOptions | undefined): Handlebars.TemplateDelegate {
  const options: CompileOptions = { ...given };
  if (!('data' in options)) options.data = true;
  if (options.compat) (options as { useDepths?: boolean }).useDepths = true;
  let compiled: (Handlebars.TemplateDelegate & Internals) | undefined;
  const ready = () => {
    compiled ??= env.template(specFor(env, source, options)) as Handlebars.TemplateDelegate & Internals;
    return compiled;
  };
  const run = function (this: unknown, context: unknown, execOptions?: Handlebars.RuntimeOptions) {
    return ready().call(this, context, execOptions);
  } as Handlebars.TemplateDelegate & Internals;
  run._setup = (setupOptions: unknown) => ready()._setup(setupOptions);
  run._child = (...args: unknown[]) => ready()._child(...args);
  return run;
}

/** What the runtime calls on a template used as a partial or block. */
interface Internals {
  _setup(options: unknown): unknown;
  _child(...args: unknown[]): unknown;
}

function specFor(env: Env, source: string, options: CompileOptions): TemplateSpec {
  const key = `${optionsKey(options)}\n${source}`;
  const cached = specs.get(key);
  if (cached) return cached;
  const internals = env as unknown as CompilerInternals;
  const ast = internals.parse(source, options);
  const environment = new internals.Compiler().compile(ast, options);
  const spec = new internals.JavaScriptCompiler().compile(environment, options, undefined, true);
  if (specs.size >= MAX_SPECS) specs.delete(specs.keys().next().value!);
  specs.set(key, spec);
  return spec;
}

const DEFAULT_HELPERS = new Set([
  'helperMissing',
  'blockHelperMissing',
  'each',
  'if',
  'unless',
  'with',
  'log',
  'lookup',
]);

/**
 * The options as a key. Compiling fills in `blockParams: []` and the default `knownHelpers`, and
 * the runtime compiles a partial with its caller's options so filled in: both mean what their
 * absence means, so they are left out and a partial shares the code compiled for it elsewhere.
 */
function optionsKey(options: CompileOptions): string {
  const { blockParams, knownHelpers, ...rest } = options as CompileOptions & { blockParams?: unknown[] };
  const key: Record<string, unknown> = { ...rest };
  if (blockParams?.length) key.blockParams = blockParams;
  const defaultsOnly =
    knownHelpers === undefined ||
    Object.entries(knownHelpers).every(([name, known]) => known === true && DEFAULT_HELPERS.has(name));
  if (!defaultsOnly) key.knownHelpers = knownHelpers;
  return JSON.stringify(key);
}
