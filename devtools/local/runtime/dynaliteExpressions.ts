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
  /** The attribute names it was made with, and its values' names and types: name, then text, in order. */
  readonly names: readonly string[];
  readonly valueTypes: readonly string[];
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

/** A value's one type (S, N, M…), or undefined when it is not one typed member with a value. */
const onlyType = (value: object): string | undefined => {
  let type: string | undefined;
  for (const member in value) {
    if (type !== undefined) return undefined;
    type = member;
  }
  if (type === undefined || !TYPES.has(type) || (value as Record<string, unknown>)[type] == null)
    return undefined;
  return type;
};

/**
 * The part of a request a parse depends on besides the expression, or undefined when the parse may
 * read more than the values' types: a value that is not one typed member, or attribute_type (whose
 * operand's value is checked). BETWEEN's bounds are compared by value too; such parses are found
 * as they run.
 */
const signature = (
  input: string,
  context: ParseContext,
): { readonly names: string[]; readonly valueTypes: string[] } | undefined => {
  if (input.includes('attribute_type')) return undefined;
  const names: string[] = [];
  for (const name in context.attrNames ?? {}) names.push(name, context.attrNames?.[name] ?? '');
  const valueTypes: string[] = [];
  for (const name in context.attrVals ?? {}) {
    const type = onlyType(context.attrVals?.[name] ?? {});
    if (type === undefined) return undefined;
    valueTypes.push(name, type);
  }
  return { names, valueTypes };
};

/**
 * Whether a request's attribute names and value types are the template's, in the same order:
 * compared in place rather than as a key string made and hashed per request (the ledger's
 * expressions and names run to a kilobyte; making and hashing that key was most of a parse).
 */
const fits = (template: Template, context: ParseContext): boolean => {
  const { names, valueTypes } = template;
  let at = 0;
  const attrNames = context.attrNames;
  if (attrNames)
    for (const name in attrNames) {
      if (names[at] !== name || names[at + 1] !== attrNames[name]) return false;
      at += 2;
    }
  if (at !== names.length) return false;
  at = 0;
  const attrVals = context.attrVals;
  if (attrVals)
    for (const name in attrVals) {
      const value = attrVals[name];
      if (valueTypes[at] !== name || value === undefined || valueTypes[at + 1] !== onlyType(value))
        return false;
      at += 2;
    }
  return at === valueTypes.length;
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

/** Constants a generated builder cannot write as a literal (-0, NaN, big numbers, undefined…). */
const literal = (value: unknown): string | undefined => {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
  return undefined;
};

/**
 * The same copy as `builder` below, as one generated function of object and array literals: V8
 * makes a literal's objects in one step, where the closures walk names and members one by one
 * (about a tenth of dynalite's CPU per request went to those copies). Undefined when a node has a
 * member named `__proto__` (a literal would set the prototype) or an array a hole.
 */
const generated = (
  tree: unknown,
  valueKeys: ReadonlyMap<object, string>,
  sharedAt: ReadonlyMap<object, number>,
): Build | undefined => {
  const constants: unknown[] = [];
  const written = new Map<object, string>();
  let writable = true;
  const write = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) {
      const text = literal(node);
      if (text !== undefined) return text;
      constants.push(node);
      return `c[${constants.length - 1}]`;
    }
    const key = valueKeys.get(node);
    if (key !== undefined) return `v[${JSON.stringify(key)}]`;
    const at = sharedAt.get(node);
    if (at !== undefined && written.has(node)) return `s[${at}]`;
    let text: string;
    if (Array.isArray(node)) {
      const items: string[] = [];
      for (let i = 0; i < node.length; i++) {
        if (!(i in node)) writable = false;
        items.push(write(node[i]));
      }
      text = `[${items.join(',')}]`;
    } else {
      const members: string[] = Object.getPrototypeOf(node) === null ? ['__proto__:null'] : [];
      for (const [name, member] of Object.entries(node)) {
        if (name === '__proto__') writable = false;
        members.push(`${JSON.stringify(name)}:${write(member)}`);
      }
      text = `{${members.join(',')}}`;
    }
    if (at === undefined) return text;
    // A node held twice is made where the walk first meets it, as builder makes it, then reused.
    written.set(node, text);
    return `(s[${at}]=${text})`;
  };
  const body = write(tree);
  if (!writable) return undefined;
  const make = new Function('c', `return (v, s) => (${body});`) as (constants: unknown[]) => Build;
  return make(constants);
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
  return { build: generated(tree, valueKeys, sharedAt) ?? builder(tree), sharedNodes: sharedAt.size };
};

const used = (all: Record<string, boolean>, left: Record<string, boolean>): string[] =>
  Object.keys(all).filter((name) => !(name in left));

/**
 * Wraps one parser: the first parse of an expression (with the same attribute names and the same
 * value types) runs the parser itself; later ones copy its result with their own values in. The
 * first parse runs on fresh sets of unused names and values so that the ones it uses are known.
 */
const templated = (parse: PegParserModule['parse']): PegParserModule['parse'] => {
  /** Per expression, its templates (one per set of names and value types met). */
  const templates = new Map<string, Template[]>();
  let count = 0;
  return (input, options) => {
    if (typeof input !== 'string') return parse(input, options);
    const context = options.context;
    const values = context.attrVals ?? {};
    const candidates = templates.get(input);
    if (candidates)
      for (const known of candidates) {
        if (!fits(known, context)) continue;
        for (const name of known.usedNames) delete context.unusedAttrNames[name];
        for (const name of known.usedValues) delete context.unusedAttrVals[name];
        return known.build(values, known.sharedNodes > 0 ? [] : NO_SHARED);
      }
    const signed = signature(input, context);
    if (signed === undefined) return parse(input, options);
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
        if (count >= MAX_TEMPLATES) {
          templates.clear();
          count = 0;
        }
        const kept: Template = {
          ...template,
          ...signed,
          usedNames: used(unusedNames, probe.unusedAttrNames),
          usedValues: used(unusedValues, probe.unusedAttrVals),
        };
        templates.set(input, [...(templates.get(input) ?? []), kept]);
        count++;
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
