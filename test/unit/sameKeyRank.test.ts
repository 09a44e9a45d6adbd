import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameKeyRankOf, sameKeyRanks } from '../../lib/domain/policy/sameKeyRank';
import { assumedHandOutOrder as handedOutBefore } from '../../lib/domain/poolChoice';

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

  it('ranks a whole sweep of pools as it ranks each one among its key', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('k1', 'k2', 'k3'),
            expires: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
            since: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 20 },
        ),
        (specs) => {
          const pools = specs.map((p, i) => ({
            id: `p${i}`,
            matchKey: p.key,
            ...(p.expires !== undefined ? { expiresAtMs: p.expires } : {}),
            availableSinceMs: p.since,
          }));
          const ranks = sameKeyRanks(pools);
          for (const pool of pools)
            expect(ranks.get(pool.id)).toEqual(
              sameKeyRankOf(
                pool,
                pools.filter((p) => p.matchKey === pool.matchKey),
              ),
            );
        },
      ),
    );
  });
});
