/**
 * Which Available pool SageMaker hands a new job when several of its match key are Available:
 * an ASSUMPTION, kept here and only here. AWS documents that a matching job reuses a warm pool,
 * not which one it takes when several match. poolwarden presumes the pool that expires soonest
 * (leaving the longer-lived ones for later jobs); ties go to the pool Available longest, then to
 * the lower id, so the order is total and repeatable.
 *
 * What rests on it:
 * - a warm start's candidate pools are looked at in this order (the ledger's Available index
 *   gives them soonest expiry first), and the first is presumed taken with no describe
 *   (reusePresumption.ts; lib/app/detectReuse.ts);
 * - the expected-cost decision prices a pool by its rank among the Available pools of its key
 *   (policy/sameKeyRank.ts, policy/expectedCost.ts).
 * If SageMaker chooses otherwise, a presumption is wrong: the next reconcile's listing shows the
 * pool still Available (or another one Reused by the job), takes the presumption back, records
 * what SageMaker shows and counts the miss (ReusesPresumedWrongly); the ranks then order the
 * pools of a key wrongly, which prices them, never what is recorded. The local SageMaker emulator
 * plays this rule by default and another on request (its `poolChoice` option), so that the local
 * stack can show that correction at work.
 */
export const ASSUMED_POOL_CHOICE: 'soonest-expiring' = 'soonest-expiring';

/** A pool as the choice rule sees it. */
export interface ChoosablePool {
  readonly id: string;
  readonly expiresAtMs?: number;
  readonly availableSinceMs?: number;
}

/**
 * The assumed order: negative when `a` is handed out before `b`. An unknown expiry or Available
 * time goes last.
 */
export const assumedHandOutOrder = (a: ChoosablePool, b: ChoosablePool): number =>
  (a.expiresAtMs ?? Number.POSITIVE_INFINITY) - (b.expiresAtMs ?? Number.POSITIVE_INFINITY) ||
  (a.availableSinceMs ?? Number.POSITIVE_INFINITY) - (b.availableSinceMs ?? Number.POSITIVE_INFINITY) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
