/**
 * A seeded pseudo-random generator (mulberry32). Traces must be reproducible from a seed, which
 * Math.random cannot give; statistical quality beyond that of mulberry32 is not needed to draw
 * workloads.
 */
export class Random {
  private state: number;

  /** Seeds are taken modulo 2^32. */
  constructor(seed: number) {
    this.state = Math.trunc(seed) >>> 0;
  }

  /**
   * An independent stream for one part of a workload (a team, a day, an activity), so that
   * generating more days or more teams leaves what was already generated unchanged.
   */
  static derive(seed: number, ...labels: readonly (string | number)[]): Random {
    // FNV-1a over the labels, then murmur3's finaliser so that nearby seeds give distant streams.
    let hash = (Math.trunc(seed) >>> 0) ^ 0x811c9dc5;
    for (const char of labels.join('\u0000')) {
      hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
    }
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    return new Random((hash ^ (hash >>> 16)) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  /** Picks one of the values with probability proportional to its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let target = this.next() * total;
    for (const [value, weight] of choices) {
      target -= weight;
      if (target < 0) return value;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new RangeError('cannot pick from an empty list');
    return last[0];
  }

  /** A standard normal variate (Box-Muller). */
  normal(): number {
    const u = 1 - this.next(); // in (0, 1]: log(0) is not a number
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Durations and gaps are skewed: a few are much longer than the typical one. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** How many events of a process with this mean happen: the count of sessions in a day, say. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    // Knuth's method is exact but linear in the mean; above 30 the normal approximation is close.
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }

  /** Rounds up with probability equal to the fraction, so that the mean of the result is `value`. */
  roundStochastically(value: number): number {
    const whole = Math.floor(value);
    return whole + (this.chance(value - whole) ? 1 : 0);
  }

  hex(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += this.int(0, 15).toString(16);
    return text;
  }
}
