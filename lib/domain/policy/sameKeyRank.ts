import { assumedHandOutOrder, type ChoosablePool } from '../poolChoice';

/**
 * Where a pool stands among the Available pools of its match key. Which pool SageMaker gives a
 * matching job is not documented: the order is the assumption named in poolChoice.ts (the pool
 * that expires soonest; ties: Available longest, then id). With k pools of one key idle, the
 * pool of rank r is then reused only once r same-key jobs have come: each pool ahead of it takes
 * one first. The expected-cost decision prices that.
 */
export interface SameKeyRank {
  /** 1: the next matching job takes this pool. */
  readonly rank: number;
  /** How many Available pools the key has, this one included. */
  readonly of: number;
}

/** A pool as the choice rule sees it, with its key. */
export interface RankedPool extends ChoosablePool {
  readonly matchKey?: string;
}

/** The rank of `pool` among `sameKey` (the Available pools of its key; it may be among them). */
export const sameKeyRankOf = (pool: RankedPool, sameKey: Iterable<RankedPool>): SameKeyRank => {
  let ahead = 0;
  let of = 1;
  for (const other of sameKey) {
    if (other.id === pool.id) continue;
    of++;
    if (assumedHandOutOrder(other, pool) < 0) ahead++;
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
    list.sort(assumedHandOutOrder);
    for (let i = 0; i < list.length; i++) {
      const pool = list[i] as RankedPool;
      if (!ranks.has(pool.id)) ranks.set(pool.id, { rank: i + 1, of: list.length });
    }
  }
  return ranks;
};
