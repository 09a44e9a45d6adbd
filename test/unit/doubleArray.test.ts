import { describe, expect, it } from 'vitest';
import { doubleArray } from '../../lib/domain/policy/doubleArray';

/** The learner's columns: made at a length, then filled by index. */
describe('doubleArray', () => {
  it('is a fresh array of the asked length, within the template and beyond it', () => {
    for (const length of [0, 1, 7, 1024, 1025, 3000]) {
      const column = doubleArray(length);
      expect(column).toHaveLength(length);
      for (let i = 0; i < length; i++) column[i] = i / 3;
      expect(column[length - 1]).toBe(length > 0 ? (length - 1) / 3 : undefined);
    }
    // Filling one changes no other.
    const first = doubleArray(3);
    first[0] = -1;
    expect(doubleArray(3)[0]).not.toBe(-1);
  });
});
