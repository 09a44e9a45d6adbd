import { describe, expect, it } from 'vitest';
import { Random } from '../../devtools/local/trace/random';

const draws = (rng: Random, n: number) => Array.from({ length: n }, () => rng.next());

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds and derived streams', () => {
    expect(draws(new Random(7), 5)).toEqual(draws(new Random(7), 5));
    expect(draws(new Random(7), 5)).not.toEqual(draws(new Random(8), 5));
    expect(draws(Random.derive(7, 'vision', '2026-03-02'), 5)).toEqual(
      draws(Random.derive(7, 'vision', '2026-03-02'), 5),
    );
    expect(draws(Random.derive(7, 'vision', '2026-03-02'), 5)).not.toEqual(
      draws(Random.derive(7, 'vision', '2026-03-03'), 5),
    );
  });

  it('draws within its bounds', () => {
    const rng = new Random(1);
    const ints = Array.from({ length: 2000 }, () => rng.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(draws(rng, 2000).every((x) => x >= 0 && x < 1)).toBe(true);
    expect(
      Array.from({ length: 500 }, () => rng.weighted([['never', 0] as const, ['always', 1] as const])),
    ).not.toContain('never');
  });

  it('draws Poisson counts with the requested mean', () => {
    const rng = new Random(2);
    for (const mean of [0.5, 5, 50]) {
      const counts = Array.from({ length: 4000 }, () => rng.poisson(mean));
      const average = counts.reduce((a, b) => a + b, 0) / counts.length;
      expect(Math.abs(average - mean)).toBeLessThan(mean * 0.1);
    }
    expect(rng.poisson(0)).toBe(0);
  });

  it('refuses to pick from nothing', () => {
    expect(() => new Random(1).pick([])).toThrow(RangeError);
    expect(() => new Random(1).weighted([])).toThrow(RangeError);
  });
});
