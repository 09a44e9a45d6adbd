import { ASSUMED_POOL_CHOICE, assumedHandOutOrder } from '../../../lib/domain/poolChoice';
import type { EmulatedPool } from './emulatedJob';

/**
 * Which Available pool a new job takes when several match it. SageMaker does not document its
 * choice, so the emulator can play either:
 * - 'soonest-expiring' (the default): poolwarden's own assumption, read from its one place
 *   (lib/domain/poolChoice.ts), so the local stack plays what the domain presumes;
 * - 'latest-available': the pool that became Available last, so that a test (or a local run)
 *   can show what poolwarden does when its assumption is wrong.
 * Both are total orders (ties fall back to the assumed order), so runs are repeatable.
 */
export type PoolChoiceRule = typeof ASSUMED_POOL_CHOICE | 'latest-available';

export const POOL_CHOICE_RULES: readonly PoolChoiceRule[] = [ASSUMED_POOL_CHOICE, 'latest-available'];

const HAND_OUT_ORDER: Readonly<Record<PoolChoiceRule, (a: EmulatedPool, b: EmulatedPool) => number>> = {
  'soonest-expiring': assumedHandOutOrder,
  'latest-available': (a, b) =>
    (b.availableSinceMs ?? Number.NEGATIVE_INFINITY) - (a.availableSinceMs ?? Number.NEGATIVE_INFINITY) ||
    assumedHandOutOrder(a, b),
};

export const choosePool = <P extends EmulatedPool>(
  candidates: Iterable<P>,
  rule: PoolChoiceRule = ASSUMED_POOL_CHOICE,
): P | undefined => {
  const order = HAND_OUT_ORDER[rule];
  let best: P | undefined;
  for (const pool of candidates) {
    if (!best || order(pool, best) < 0) best = pool;
  }
  return best;
};
