/**
 * The first half of dynalite's `checkValidations` (validations/index.js), compiled once per
 * operation's list: the required members, the table name's length, and each member's listed
 * constraints (notNull, bounds, lengths, enum, regex, map keys and values), down through its
 * children. dynalite walks the list by name on every request and builds a regular expression per
 * pattern. A compiled check answers only whether every constraint holds: when one does not (or
 * the list holds a constraint it does not know), dynalite's own check runs and refuses the request
 * in its own words. The operation's custom validation runs in both cases.
 */

type Holds = (value: unknown) => boolean;

interface Spec {
  readonly type?: unknown;
  readonly required?: unknown;
  readonly tableName?: unknown;
  readonly children?: unknown;
  readonly [constraint: string]: unknown;
}

const always: Holds = () => true;
const never: Holds = () => false;

/** dynalite's length: members of an object, else `.length`. */
const lengthOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.keys(value).length
    : (value as { length?: unknown }).length;

/** One of dynalite's validateFns, as a predicate (what `validate` is handed), or undefined. */
const constraint = (name: string, bound: unknown): Holds | undefined => {
  switch (name) {
    case 'notNull':
      return (value) => value != null;
    case 'greaterThanOrEqual':
      return (value) => (value as number) >= (bound as number);
    case 'lessThanOrEqual':
      return (value) => (value as number) <= (bound as number);
    case 'regex': {
      let pattern: RegExp;
      try {
        pattern = RegExp(`^${String(bound)}$`);
      } catch {
        return undefined;
      }
      return (value) => pattern.test(value as string);
    }
    case 'lengthGreaterThanOrEqual':
      return (value) => (lengthOf(value) as number) >= (bound as number);
    case 'lengthLessThanOrEqual':
      return (value) => (lengthOf(value) as number) <= (bound as number);
    case 'enum':
      return Array.isArray(bound) ? (value) => bound.indexOf(value) >= 0 : undefined;
    case 'keys':
    case 'values': {
      if (typeof bound !== 'object' || bound === null) return undefined;
      const inner: Holds[] = [];
      for (const [innerName, innerBound] of Object.entries(bound)) {
        const holds = constraint(innerName, innerBound);
        // dynalite calls an unknown one and fails the map; leave that to it.
        if (!holds) return undefined;
        inner.push(holds);
      }
      return (value) => {
        const map = value as Record<string, unknown>;
        for (const key of Object.keys(map)) {
          const checked = name === 'keys' ? key : map[key];
          for (const holds of inner) if (!holds(checked)) return false;
        }
        return true;
      };
    }
    default:
      return undefined;
  }
};

const SKIPPED = new Set(['type', 'required', 'tableName']);

/** dynalite's checkNonRequired(attr, value, spec): whether it would add no error. */
const member = (spec: unknown): Holds => {
  if (spec == null || typeof spec !== 'object') return always;
  const given = spec as Spec;
  const checks: Holds[] = [];
  // As dynalite iterates the spec (for...in).
  for (const name in given) {
    if (SKIPPED.has(name)) continue;
    if (name === 'notNull') {
      checks.push((value) => value != null);
      continue;
    }
    let holds: Holds | undefined;
    if (name === 'children') {
      const children = given.children;
      const type = String(given.type);
      if (/List$/.test(type)) {
        const each = member(children);
        holds = (value) => {
          const list = value as readonly unknown[];
          for (let i = 0; i < list.length; i++) if (!each(list[i])) return false;
          return true;
        };
      } else if (/Map/.test(type)) {
        const each = member(children);
        holds = (value) => {
          const map = value as Record<string, unknown>;
          for (const key of Object.keys(map)) if (!each(map[key])) return false;
          return true;
        };
      } else {
        holds = struct(children);
      }
    } else {
      holds = constraint(name, given[name]);
      if (!holds) return never;
    }
    // Every constraint but notNull is skipped for a null or absent value.
    const whenPresent = holds;
    checks.push((value) => value == null || whenPresent(value));
  }
  if (checks.length === 0) return always;
  return (value) => {
    for (const holds of checks) if (!holds(value)) return false;
    return true;
  };
};

/** dynalite's checkNonRequireds(value, specs): each listed member, by name. */
const struct = (specs: unknown): Holds => {
  if (specs == null || typeof specs !== 'object') return never;
  const members: [string, Holds][] = [];
  for (const name in specs) members.push([name, member((specs as Record<string, unknown>)[name])]);
  return (value) => {
    const object = value as Record<string, unknown>;
    for (const [name, holds] of members) if (!holds(object[name])) return false;
    return true;
  };
};

const compiled = new WeakMap<object, Holds>();

/**
 * Whether dynalite's `checkValidations(data, list)` would find nothing to refuse before it runs
 * the operation's custom validation (`data` as dynalite's type check left it). False means only
 * that dynalite's own check must decide.
 */
export const compiledValidations = (list: object): Holds => {
  let holds = compiled.get(list);
  if (!holds) {
    const specs = list as Readonly<Record<string, Spec>>;
    const top: [string, Spec][] = [];
    for (const name in specs) top.push([name, specs[name] as Spec]);
    const members = struct(list);
    holds = (data) => {
      const object = data as Record<string, unknown>;
      for (const [name, spec] of top) {
        const value = object[name];
        if (spec.required && value == null) return false;
        if (spec.tableName && value != null) {
          const length = (value as { length?: unknown }).length as number;
          if (length < 3 || length > 255) return false;
        }
      }
      return members(data);
    };
    compiled.set(list, holds);
  }
  return holds;
};
