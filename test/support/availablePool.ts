import type { JobRecord } from '../../lib/domain/jobRecord';
import type { Ledger } from '../../lib/ports/ledger';

const MIN = 60_000;

/**
 * The pool `pool-a` recorded Available in `ledger`: Available (and last looked at) `sinceMin`
 * minutes before `nowMs`, ending `leftMin` minutes after it, on a keep-alive of `keepAliveSeconds`.
 */
export const availablePoolIn = async (
  ledger: Ledger,
  at: { nowMs: number; sinceMin: number; leftMin: number; keepAliveSeconds: number },
): Promise<JobRecord> => {
  const sinceMs = at.nowMs - at.sinceMin * MIN;
  const pool = {
    status: 'Available' as const,
    availableSinceMs: sinceMs,
    expiresAtMs: at.nowMs + at.leftMin * MIN,
    bornAtMs: sinceMs,
    poolId: 'pool-a',
    keepAliveSeconds: at.keepAliveSeconds,
    observedAtMs: sinceMs,
  };
  const head: JobRecord = { name: 'pool-a', pool };
  await ledger.observePool(head, pool);
  return head;
};
