import { describe, expect, it } from 'vitest';
import {
  clampKeepAlive,
  DEFAULT_KEEP_ALIVE_LIMITS,
  expiryAfterJobEnd,
  expiryAfterUpdate,
  predictedEndMs,
} from '../../lib/domain/keepAlive';

const HOUR = 3_600_000;
const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 10 * 3600 };

describe('keep-alive rules', () => {
  it('defaults to the documented limits', () => {
    expect(DEFAULT_KEEP_ALIVE_LIMITS).toEqual({
      perCallCapSeconds: 3600,
      lifetimeCapSeconds: 28 * 24 * 3600,
    });
  });

  it('counts the first keep-alive from the end of the job', () => {
    expect(expiryAfterJobEnd(5 * HOUR, 1800, 0, limits)).toBe(5.5 * HOUR);
  });

  it('counts an update from the moment of the update (the documented assumption)', () => {
    expect(expiryAfterUpdate(7 * HOUR, 3600, 0, limits)).toBe(8 * HOUR);
  });

  it('never predicts past the lifetime cap counted from the pool birth', () => {
    expect(expiryAfterJobEnd(9.8 * HOUR, 3600, 0, limits)).toBe(10 * HOUR);
    expect(expiryAfterUpdate(9.9 * HOUR, 3600, 0, limits)).toBe(10 * HOUR);
  });

  it('clamps a wished keep-alive to one call', () => {
    expect(clampKeepAlive(7200, limits)).toBe(3600);
    expect(clampKeepAlive(-5, limits)).toBe(0);
    expect(clampKeepAlive(90.7, limits)).toBe(90);
  });

  it("reads a pool's predicted end within its chain's lifetime", () => {
    // Written from a keep-alive before the chain's birth was known: past the 10 h lifetime.
    expect(predictedEndMs({ expiresAtMs: 11 * HOUR, bornAtMs: 0 }, limits)).toBe(10 * HOUR);
    expect(predictedEndMs({ expiresAtMs: 9 * HOUR, bornAtMs: 0 }, limits)).toBe(9 * HOUR);
    expect(predictedEndMs({ expiresAtMs: 11 * HOUR }, limits)).toBe(11 * HOUR);
    expect(predictedEndMs({ bornAtMs: 0 }, limits)).toBeUndefined();
  });
});
