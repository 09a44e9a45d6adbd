/**
 * dynalite's `checkTypes` (validations/index.js), compiled once per operation's type list: the
 * first check of every request, which walks the whole body and reads each node's type name
 * through a regular expression. A compiled check gives the same new tree as dynalite's for a body
 * whose every value already has the type the list names (strings as strings, numbers as numbers,
 * lists as arrays, structures and maps as objects), and gives up on anything else (a string for a
 * boolean, which dynalite converts; any value dynalite refuses; a Blob; a type it does not know),
 * without touching the body, so that dynalite's own check runs on it and answers as it does.
 */

/** A type as dynalite's lists write it: a name (`'String'`), or an object with a name and children. */
type TypeSpec = string | { readonly type?: unknown; readonly children?: unknown };
/** An operation's type list: its members by name. */
type TypeList = object;

/** What a compiled check answers when the value is not plainly of its type. */
const GIVE_UP: unique symbol = Symbol('dynalite checks this itself');
type Check = (value: unknown) => unknown;
export type CompiledCheck = (data: unknown) => Record<string, unknown> | undefined;

const SUBTYPE = /(.+?)<(.+)>$/;

/** The children dynalite gives an `AttrStruct<X>`: an AttributeValue, as X. */
const attributeValue = (subtype: string): TypeSpec => ({
  type: `${subtype}<AttributeValue>`,
  children: {
    S: 'String',
    B: 'Blob',
    N: 'String',
    BOOL: 'Boolean',
    NULL: 'Boolean',
    BS: { type: 'List', children: 'Blob' },
    NS: { type: 'List', children: 'String' },
    SS: { type: 'List', children: 'String' },
    L: { type: 'List', children: 'AttrStruct<ValueStruct>' },
    M: { type: 'Map<AttributeValue>', children: 'AttrStruct<ValueStruct>' },
  },
});

const giveUp: Check = () => GIVE_UP;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Compiler {
  /** By spec object and, for names, by name: specs are shared, and AttributeValues nest. */
  private readonly checks = new Map<unknown, Check>();
  private readonly attributeValues = new Map<string, TypeSpec>();
  private readonly structs = new Map<unknown, (value: Record<string, unknown>) => unknown>();

  /** dynalite's checkType(value, spec), for a value that is not null. */
  check(spec: unknown): Check {
    let check = this.checks.get(spec);
    if (!check) {
      // A recursive type (an AttributeValue's L and M) reads itself through this entry.
      let compiled: Check = giveUp;
      this.checks.set(spec, (value) => compiled(value));
      compiled = this.compile(spec);
      check = compiled;
      this.checks.set(spec, compiled);
    }
    return check;
  }

  /** dynalite's checkTypes(value, list): the listed members in the list's order, nulls left out. */
  struct(list: unknown): (value: Record<string, unknown>) => unknown {
    let struct = this.structs.get(list);
    if (!struct) {
      if (!isObject(list)) return () => GIVE_UP;
      const names = Object.keys(list);
      const checks: Check[] = [];
      let compiled: (value: Record<string, unknown>) => unknown = () => GIVE_UP;
      struct = (value) => compiled(value);
      this.structs.set(list, struct);
      for (const name of names) checks.push(this.check(list[name]));
      compiled = (value) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) {
          const member = value[names[i] as string];
          if (member == null) continue;
          const checked = (checks[i] as Check)(member);
          if (checked === GIVE_UP) return GIVE_UP;
          if (checked != null) out[names[i] as string] = checked;
        }
        return out;
      };
      struct = compiled;
      this.structs.set(list, compiled);
    }
    return struct;
  }

  private compile(spec: unknown): Check {
    let name: unknown = spec;
    let children: unknown;
    if (typeof spec === 'object' && spec !== null) {
      const given = spec as { type?: unknown; children?: unknown };
      // dynalite reads a child named by a string as `{ type: name }`: the same as the name alone.
      children = given.children;
      if (given.type) name = given.type;
    }
    if (typeof name !== 'string') return giveUp;
    let subtype: string | undefined;
    const parts = SUBTYPE.exec(name);
    if (parts) {
      name = parts[1];
      subtype = parts[2];
    }
    switch (name) {
      case 'AttrStruct': {
        // One spec per subtype: an AttributeValue's L and M hold AttributeValues again.
        const as = String(subtype);
        let spec = this.attributeValues.get(as);
        if (!spec) {
          spec = attributeValue(as);
          this.attributeValues.set(as, spec);
        }
        return this.check(spec);
      }
      case 'Boolean':
        return (value) => (typeof value === 'boolean' ? value : GIVE_UP);
      case 'Short':
      case 'Integer':
      case 'Long':
        return (value) => (typeof value === 'number' ? Math.floor(value) : GIVE_UP);
      case 'Double':
        return (value) => (typeof value === 'number' ? value : GIVE_UP);
      case 'String':
        return (value) => (typeof value === 'string' ? value : GIVE_UP);
      case 'List':
      case 'ParameterizedList': {
        if (children === undefined) return giveUp;
        const item = this.check(children);
        return (value) => {
          if (!Array.isArray(value)) return GIVE_UP;
          const out: unknown[] = new Array(value.length);
          for (let i = 0; i < value.length; i++) {
            const member: unknown = value[i];
            const checked = member == null ? null : item(member);
            if (checked === GIVE_UP) return GIVE_UP;
            out[i] = checked;
          }
          return out;
        };
      }
      case 'Map':
      case 'ParameterizedMap': {
        if (children === undefined) return giveUp;
        const entry = this.check(children);
        return (value) => {
          if (!isObject(value)) return GIVE_UP;
          const out: Record<string, unknown> = {};
          for (const key of Object.keys(value)) {
            // dynalite assigns with `=`: this key would set the prototype.
            if (key === '__proto__') return GIVE_UP;
            const member = value[key];
            const checked = member == null ? null : entry(member);
            if (checked === GIVE_UP) return GIVE_UP;
            out[key] = checked;
          }
          return out;
        };
      }
      case 'ValueStruct':
      case 'FieldStruct': {
        const struct = this.struct(children);
        return (value) => (isObject(value) ? struct(value) : GIVE_UP);
      }
      default:
        // Blob (dynalite checks its base64 and may refuse it), and types dynalite does not know.
        return giveUp;
    }
  }
}

const compiled = new WeakMap<object, CompiledCheck>();

/**
 * dynalite's `checkTypes(data, types)` for one operation's type list, or undefined where its own
 * must run (see the module's comment). The body is never changed: dynalite's own check deletes
 * the members it does not know, the compiled one only leaves them out of the tree it returns.
 */
export const compiledCheckTypes = (types: TypeList): CompiledCheck => {
  let check = compiled.get(types);
  if (!check) {
    const struct = new Compiler().struct(types);
    check = (data) => {
      if (!isObject(data)) return undefined;
      const out = struct(data);
      return out === GIVE_UP ? undefined : (out as Record<string, unknown>);
    };
    compiled.set(types, check);
  }
  return check;
};
