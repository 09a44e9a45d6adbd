import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { plainJsonValue } from '../../lib/policyFile/plainJson';

/** What parsePolicy's YAML reading makes of a text: its value, or undefined when it errs or warns. */
const asYaml = (text: string): unknown => {
  const doc = parseDocument(text, { prettyErrors: false, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  return doc.toJS({ maxAliasCount: 100 });
};

const EXAMPLE = asYaml(readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8'));

const layouts = (value: unknown): string[] => {
  const pretty = JSON.stringify(value, null, 2);
  return [
    JSON.stringify(value),
    pretty,
    JSON.stringify(value, null, 4),
    // Every line at the left margin, closing brackets too.
    pretty.replace(/\n +/g, '\n'),
    pretty.replace(/\n/g, '\r\n'),
    `\n\n${pretty}\n\n`,
    // Blanks around every colon and comma (none of the example's strings holds `":` or `,"`).
    JSON.stringify(value).replace(/":/g, '" : ').replace(/,"/g, ' , "'),
  ];
};

describe('plainJsonValue', () => {
  it('reads a JSON policy as YAML reads it, whatever its layout', () => {
    expect(EXAMPLE).toBeDefined();
    for (const text of layouts(EXAMPLE)) {
      expect(asYaml(text), text).toEqual(EXAMPLE);
      expect(plainJsonValue(text), text).toEqual(EXAMPLE);
    }
  });

  it('agrees with YAML on every object it reads', () => {
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('a', 'b', 'version', 'rules', '#', '- x', '"', '\\', 'ü', '😀'),
    );
    const leaf = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '',
        '---',
        '...',
        '# not a comment',
        'a: b',
        '\u2028',
        'x\ny',
        'off',
        'yes',
        '~',
        '0x1F',
      ),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree')), fc.dictionary(key, tie('tree'))),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree), fc.constantFrom(0, 1, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const read = plainJsonValue(text);
        // Only `__proto__` and `<<` among the generated keys are left to YAML.
        if (read === undefined) return;
        expect(asYaml(text)).toEqual(read);
        expect(read).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves to YAML what YAML reads otherwise or refuses', () => {
    const refused = {
      'a repeated key': '{"a": 1, "b": {"c": 1}, "a": 2}',
      'a repeated nested key': '{"b": {"c": 1, "c": 2}}',
      'the merge key': '{"<<": {"a": 1}}',
      'a key named __proto__': '{"__proto__": {"a": 1}}',
      'a key whose colon is on the next line': '{"a"\n: 1}',
      'a tab between tokens': '{\t"a": 1}',
      'a lone carriage return': '{"a": 1,\r"b": 2}',
      'a key longer than 1,024 characters': `{"${'k'.repeat(1030)}": 1}`,
    };
    for (const [what, text] of Object.entries(refused)) {
      expect(JSON.parse(text), what).toBeDefined();
      expect(plainJsonValue(text), what).toBeUndefined();
    }
    // What YAML makes of some: an error.
    expect(asYaml(refused['a repeated key'])).toBeUndefined();
    expect(asYaml(refused['a repeated nested key'])).toBeUndefined();
  });

  it('reads only JSON objects', () => {
    for (const text of [
      '',
      'version: 1',
      '{"a": 1',
      '[{"a": 1}]',
      '"a"',
      'null',
      '1',
      '\uFEFF{"a": 1}',
      '{} # c',
    ])
      expect(plainJsonValue(text), text).toBeUndefined();
    expect(plainJsonValue('{}')).toEqual({});
    expect(plainJsonValue('{"a": [1, {"b": "\\"}"}], "c": "\\\\"}')).toEqual({
      a: [1, { b: '"}' }],
      c: '\\',
    });
  });
});
