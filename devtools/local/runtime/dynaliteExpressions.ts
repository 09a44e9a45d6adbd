import { createRequire } from 'node:module';

/** What dynalite's validation hands its PEG expression parsers (validations/index.js). */
interface ParseContext {
  readonly attrNames?: Readonly<Record<string, string>>;
  readonly attrVals?: Readonly<Record<string, object>>;
  /** Names and values not used yet: each parse deletes the ones its expression uses. */
  readonly unusedAttrNames: Record<string, boolean>;
  readonly unusedAttrVals: Record<string, boolean>;
  readonly compare?: (...args: unknown[]) => boolean;
  readonly [more: string]: unknown;
}

interface PegParserModule {
  parse(input: string, options: { context: ParseContext }): unknown;
}

/** Builds a fresh parse tree with a request's own values; `shared` holds nodes the tree has twice. */
type Build = (values: Readonly<Record<string, object>>, shared: unknown[]) => unknown;

interface Template {
  readonly build: Build;
  /** How many nodes the tree holds more than once. */
  readonly sharedNodes: number;
  readonly usedNames: readonly string[];
  readonly usedValues: readonly string[];
}

const PARSERS = ['./db/conditionParser', './db/updateParser', './db/projectionParser'];
const TYPES = new Set(['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M']);
/** Enough for every expression the ledger sends; a flood of distinct ones only starts over. */
const MAX_TEMPLATES = 2_000;
const NO_SHARED: unknown[] = [];
const marked = Symbol.for('poolwarden.dynaliteExpressionTemplates');

/**
 * The part of a request a parse depends on, or undefined when the parse may read more than the
 * values' types: a value that is not one typed member, or attribute_type (whose operand's value
 * is checked). BETWEEN's bounds are compared by value too; such parses are found as they run.
 */
const cacheKey = (input: string, context: ParseContext): string | undefined => {
  if (input.includes('attribute_type')) return undefined;
  let key = `${input}\u0000${context.attrNames ? JSON.stringify(context.attrNames) : ''}\u0000`;
  for (const [name, value] of Object.entries(context.attrVals ?? {})) {
    const members = Object.keys(value);
    const type = members[0];
    if (members.length !== 1 || type === undefined || !TYPES.has(type)) return undefined;
    if ((value as Record<string, unknown>)[type] == null) return undefined;
    key += `${name}=${type},`;
  }
  return key;
};

const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Every object inside the values (not the values themselves): a tree holding one is not templated. */
const innerObjects = (values: Readonly<Record<string, object>>): Set<object> => {
  const found = new Set<object>();
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null || found.has(value)) return;
    found.add(value);
    for (const member of Object.values(value)) visit(member);
  };
  for (const value of Object.values(values)) for (const member of Object.values(value)) visit(member);
  return found;
};

/**
 * Compiles a parse result into a function that builds a fresh copy of it holding another
 * request's values where this one holds its own; nodes held twice stay shared. Undefined when the
 * tree holds anything a copy could not reproduce (an object from inside a value, a class instance).
 */
const compile = (
  tree: unknown,
  values: Readonly<Record<string, object>>,
): { build: Build; sharedNodes: number } | undefined => {
  const valueKeys = new Map<object, string>();
  for (const [key, value] of Object.entries(values)) valueKeys.set(value, key);
  const inner = innerObjects(values);
  const seen = new Map<object, number>();
  let copyable = true;
  const count = (node: unknown): void => {
    if (typeof node === 'function' || typeof node === 'symbol') copyable = false;
    if (typeof node !== 'object' || node === null || valueKeys.has(node)) return;
    if (inner.has(node) || !(Array.isArray(node) || isPlain(node))) copyable = false;
    const times = seen.get(node) ?? 0;
    seen.set(node, times + 1);
    if (times === 0) for (const member of Object.values(node)) count(member);
  };
  count(tree);
  if (!copyable) return undefined;
  const sharedAt = new Map<object, number>();
  for (const [node, times] of seen) if (times > 1) sharedAt.set(node, sharedAt.size);
  const compiled = new Map<object, Build>();
  const builder = (node: unknown): Build => {
    if (typeof node !== 'object' || node === null) return () => node;
    const key = valueKeys.get(node);
    if (key !== undefined) return (request) => request[key];
    const done = compiled.get(node);
    if (done) return done;
    let fresh: Build;
    if (Array.isArray(node)) {
      const items = node.map(builder);
      fresh = (request, shared) => {
        const out: unknown[] = new Array(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i]?.(request, shared);
        return out;
      };
    } else {
      const proto: object | null = Object.getPrototypeOf(node);
      const names = Object.keys(node);
      const members = Object.values(node).map(builder);
      fresh = (request, shared) => {
        const out: Record<string, unknown> = proto === Object.prototype ? {} : Object.create(proto);
        for (let i = 0; i < names.length; i++) out[names[i] as string] = members[i]?.(request, shared);
        return out;
      };
    }
    const at = sharedAt.get(node);
    const build: Build =
      at === undefined
        ? fresh
        : (request, shared) => {
            if (!(at in shared)) shared[at] = fresh(request, shared);
            return shared[at];
          };
    compiled.set(node, build);
    return build;
  };
  return { build: builder(tree), sharedNodes: sharedAt.size };
};

const used = (all: Record<string, boolean>, left: Record<string, boolean>): string[] =>
  Object.keys(all).filter((name) => !(name in left));

/**
 * Wraps one parser: the first parse of an expression (with the same attribute names and the same
 * value types) runs the parser itself; later ones copy its result with their own values in. The
 * first parse runs on fresh sets of unused names and values so that the ones it uses are known.
 */
const templated = (parse: PegParserModule['parse']): PegParserModule['parse'] => {
  const templates = new Map<string, Template>();
  return (input, options) => {
    const context = options.context;
    const key = typeof input === 'string' ? cacheKey(input, context) : undefined;
    if (key === undefined) return parse(input, options);
    const values = context.attrVals ?? {};
    const known = templates.get(key);
    if (known) {
      for (const name of known.usedNames) delete context.unusedAttrNames[name];
      for (const name of known.usedValues) delete context.unusedAttrVals[name];
      return known.build(values, known.sharedNodes > 0 ? [] : NO_SHARED);
    }
    const unusedNames: Record<string, boolean> = {};
    for (const name of Object.keys(context.attrNames ?? {})) unusedNames[name] = true;
    const unusedValues: Record<string, boolean> = {};
    for (const name of Object.keys(values)) unusedValues[name] = true;
    let comparedValues = false;
    const compare = context.compare;
    const probe: ParseContext = {
      ...context,
      unusedAttrNames: { ...unusedNames },
      unusedAttrVals: { ...unusedValues },
      ...(compare
        ? {
            compare: (...args: unknown[]) => {
              comparedValues = true;
              return compare(...args);
            },
          }
        : {}),
    };
    let tree: unknown;
    try {
      tree = parse(input, { ...options, context: probe });
    } finally {
      for (const name of used(unusedNames, probe.unusedAttrNames)) delete context.unusedAttrNames[name];
      for (const name of used(unusedValues, probe.unusedAttrVals)) delete context.unusedAttrVals[name];
    }
    // Errors come back as strings (or thrown) and are never kept: each request meets its own.
    if (typeof tree === 'object' && tree !== null && !comparedValues) {
      const template = compile(tree, values);
      if (template !== undefined) {
        if (templates.size >= MAX_TEMPLATES) templates.clear();
        templates.set(key, {
          ...template,
          usedNames: used(unusedNames, probe.unusedAttrNames),
          usedValues: used(unusedValues, probe.unusedAttrVals),
        });
      }
    }
    return tree;
  };
};

const dynaliteMain = createRequire(import.meta.url).resolve('dynalite');
const fromDynalite = createRequire(dynaliteMain);
/** dynalite's parser modules, each marked with its own parse once wrapped. */
const parserModules = () =>
  PARSERS.map((path) => fromDynalite(path) as PegParserModule & { [marked]?: PegParserModule['parse'] });

/**
 * Makes dynalite parse each Condition, Update, KeyCondition, Filter and Projection expression once
 * rather than on every request. dynalite runs its PEG parsers on every request, about a tenth of
 * the local stack's CPU, although the ledger sends a few dozen distinct expressions. A later parse
 * of the same expression, with the same attribute names and value types, gets a fresh copy of the
 * first result with its own values in and uses up the same names and values, so what dynalite
 * checks and answers is unchanged: errors are never kept, and parses that read values (BETWEEN's
 * bounds, attribute_type) always run the parser. The parser modules are wrapped in place (dynalite
 * calls `parser.parse` as it runs), so this may run before or after dynalite loads.
 */
export const templateDynaliteExpressions = (): void => {
  for (const parser of parserModules()) {
    if (parser[marked]) continue;
    const own = parser.parse;
    parser.parse = templated(own.bind(parser));
    parser[marked] = own;
  }
};

/** Runs `check` with dynalite's own parsers in place of the templated ones (to compare them). */
export const withDynaliteOwnParsers = <T>(check: () => T): T => {
  const templatedParsers = parserModules().flatMap((parser) => {
    const own = parser[marked];
    return own ? [{ parser, own, wrapped: parser.parse }] : [];
  });
  for (const { parser, own } of templatedParsers) parser.parse = own;
  try {
    return check();
  } finally {
    for (const { parser, wrapped } of templatedParsers) parser.parse = wrapped;
  }
};
