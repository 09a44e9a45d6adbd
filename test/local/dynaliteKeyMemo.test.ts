import { describe, expect, it } from 'vitest';
import { piece, TableKeyMemo } from '../../devtools/local/runtime/dynaliteKeyMemo';

describe('TableKeyMemo', () => {
  it('makes a key once per table description and id, and apart for another description', () => {
    const memo = new TableKeyMemo<object>();
    const made: string[] = [];
    const make = (key: string) => () => {
      made.push(key);
      return key;
    };
    const table = {};
    expect(memo.key(table, 'a', make('A1'))).toBe('A1');
    expect(memo.key(table, 'a', make('A2'))).toBe('A1');
    expect(memo.key({}, 'a', make('A3'))).toBe('A3');
    expect(made).toEqual(['A1', 'A3']);
  });
});

describe('piece', () => {
  it('tells one typed string by type and length, and nothing else', () => {
    expect(piece({ S: 'ab' })).toBe('S2:ab');
    expect(piece({ N: '12' })).not.toBe(piece({ S: '12' }));
    expect(piece({ S: 'a', N: '1' })).toBeUndefined();
    expect(piece({ L: [] })).toBeUndefined();
    expect(piece('S')).toBeUndefined();
  });
});
