import { describe, expect, it } from 'vitest';
import { continuesAheadOf, continuesFrom } from '../../lib/domain/policy/sampleContinuation';

// Samples are told apart by identity, as the memos compare them.
const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));

describe('continuesFrom (oldest first: the oldest dropped, new ones appended)', () => {
  it('is where the new array starts in the old one', () => {
    expect(continuesFrom([a, b, c], [b, c, d])).toBe(1);
    expect(continuesFrom([a, b, c], [a, b, c, d])).toBe(0);
  });

  it('is -1 for an array that does not continue the old one', () => {
    expect(continuesFrom([a, b, c], [d, a, b])).toBe(-1);
    expect(continuesFrom([a, b, c], [b, d])).toBe(-1);
    expect(continuesFrom([a, b, c], [])).toBe(-1);
  });
});

describe('continuesAheadOf (newest first: new ones put ahead, the oldest dropped from the end)', () => {
  it('is how many new samples come ahead of the old ones kept', () => {
    expect(continuesAheadOf([b, c, d], [a, b, c])).toBe(1);
    expect(continuesAheadOf([c, d], [a, b, c, d])).toBe(2);
    expect(continuesAheadOf([a, b], [a, b])).toBe(0);
  });

  it('is -1 for an array that does not continue the old one', () => {
    // An old sample missing from the middle, the newest old one gone, the old ones out of order.
    expect(continuesAheadOf([b, c, d], [a, b, d])).toBe(-1);
    expect(continuesAheadOf([b, c, d], [a, c, d])).toBe(-1);
    expect(continuesAheadOf([b, c, d], [a, b, d, c])).toBe(-1);
    // Longer than the old ones and the new ones together.
    expect(continuesAheadOf([b], [a, b, e])).toBe(-1);
    expect(continuesAheadOf([], [a])).toBe(-1);
  });
});
