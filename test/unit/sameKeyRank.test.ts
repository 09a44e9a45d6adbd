import { describe, expect, it } from 'vitest';
import { handedOutBefore, sameKeyRankOf } from '../../lib/domain/policy/sameKeyRank';

const T0 = Date.parse('2026-03-02T12:00:00Z');

describe("a pool's rank among the Available pools of its match key", () => {
  const soonest = { id: 'a', expiresAtMs: T0 + 600_000, availableSinceMs: T0 };
  const later = { id: 'b', expiresAtMs: T0 + 1_200_000, availableSinceMs: T0 - 60_000 };
  const unknown = { id: 'c', availableSinceMs: T0 - 120_000 };

  it('follows SageMaker: the pool that expires soonest is handed out first, unknown expiry last', () => {
    const pools = [unknown, later, soonest];
    expect(sameKeyRankOf(soonest, pools)).toEqual({ rank: 1, of: 3 });
    expect(sameKeyRankOf(later, pools)).toEqual({ rank: 2, of: 3 });
    expect(sameKeyRankOf(unknown, pools)).toEqual({ rank: 3, of: 3 });
  });

  it('breaks a tie in expiry by the longest Available, then by id', () => {
    const older = { id: 'z', expiresAtMs: T0, availableSinceMs: T0 - 60_000 };
    const newer = { id: 'a', expiresAtMs: T0, availableSinceMs: T0 };
    expect(handedOutBefore(older, newer)).toBeLessThan(0);
    const twin = { ...newer, id: 'b' };
    expect(sameKeyRankOf(twin, [newer, twin])).toEqual({ rank: 2, of: 2 });
  });

  it('counts the pool once whether or not it is among the pools given', () => {
    expect(sameKeyRankOf(later, [soonest])).toEqual({ rank: 2, of: 2 });
    expect(sameKeyRankOf(soonest, [])).toEqual({ rank: 1, of: 1 });
  });
});
