/**
 * Where a pool stands among the Available pools of its match key. SageMaker gives a matching job
 * the pool that expires soonest (ties: Available longest, then id, as the local emulator plays
 * it), so with k pools of one key idle, the pool of rank r is reused only once r same-key jobs
 * have come: each pool ahead of it takes one first. The expected-cost decision prices that.
 */
export interface SameKeyRank {
  /** 1: the next matching job takes this pool. */
  readonly rank: number;
  /** How many Available pools the key has, this one included. */
  readonly of: number;
}

/** A pool as the choice rule sees it. */
export interface RankedPool {
  readonly id: string;
  readonly matchKey?: string;
  readonly expiresAtMs?: number;
  readonly availableSinceMs?: number;
}

/** SageMaker's order: negative when `a` is handed out before `b`. Unknown expiry goes last. */
export const handedOutBefore = (a: RankedPool, b: RankedPool): number =>
  (a.expiresAtMs ?? Number.POSITIVE_INFINITY) - (b.expiresAtMs ?? Number.POSITIVE_INFINITY) ||
  (a.availableSinceMs ?? Number.POSITIVE_INFINITY) - (b.availableSinceMs ?? Number.POSITIVE_INFINITY) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The rank of `pool` among `sameKey` (the Available pools of its key; it may be among them). */
export const sameKeyRankOf = (pool: RankedPool, sameKey: Iterable<RankedPool>): SameKeyRank => {
  let ahead = 0;
  let of = 1;
  for (const other of sameKey) {
    if (other.id === pool.id) continue;
    of++;
    if (handedOutBefore(other, pool) < 0) ahead++;
  }
  return { rank: ahead + 1, of };
};

/** The rank of every pool with a match key, by id: one sort per key, for a sweep's many pools. */
export const sameKeyRanks = (pools: Iterable<RankedPool>): Map<string, SameKeyRank> => {
  const byKey = new Map<string, RankedPool[]>();
  for (const pool of pools) {
    if (pool.matchKey === undefined) continue;
    const list = byKey.get(pool.matchKey);
    if (list) list.push(pool);
    else byKey.set(pool.matchKey, [pool]);
  }
  const ranks = new Map<string, SameKeyRank>();
  for (const list of byKey.values()) {
    list.sort(handedOutBefore);
    for (let i = 0; i < list.length; i++) {
      const pool = list[i] as RankedPool;
      if (!ranks.has(pool.id)) ranks.set(pool.id, { rank: i + 1, of: list.length });
    }
  }
  return ranks;
};
