import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import { type ReconcileDeps, type ReconcilePlan, settleReconcile } from '../../lib/app/reconcilePlan';
import { StretchGuard } from '../../lib/app/stretchGuard';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { SAMPLE_CRITERIA, sampleAvailablePool } from '../support/sampleCriteria';

const MIN = 60_000;
const NOW = Date.parse('2026-03-02T12:00:00Z');

/**
 * A pool presumed taken at a warm start (lib/domain/reusePresumption.ts) idles unmanaged until the
 * next reconcile if the presumption was wrong, as a running job's lost end would: the period's
 * stretch past the longest counts its idle price as a dear running job's.
 */
describe('the reconcile period with a pool presumed taken', () => {
  const settle = async (presumed: ReturnType<typeof sampleAvailablePool>[]) => {
    const ledger = new MemoryLedger();
    const reconciler: ReconcileDeps = {
      catalog: {} as ReconcileDeps['catalog'],
      schedule: new MemoryReconcileSchedule(),
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      describeConcurrency: 2,
      listWindowMs: 28 * 24 * 60 * MIN,
      fullReconcileEveryMs: 7 * 24 * 60 * MIN,
      longestEveryMs: 60 * MIN,
      idleLongestEveryMs: 240 * MIN,
      stretch: { guard: new StretchGuard(), prices: DEFAULT_PRICES },
    };
    // A quiet reconcile granted the longest: the next may stretch past it as far as the dearest
    // pool at risk allows.
    const plan: ReconcilePlan = {
      full: false,
      sooner: false,
      claim: {
        startMs: NOW,
        grantedMs: 60 * MIN,
        first: false,
        abandoned: false,
        listedFloorMs: NOW - 480 * MIN,
      },
      describe: new Set(),
      ended: new Map(),
      listedAvailable: new Set(),
      adopt: [],
      overdue: 0,
      justCreated: new Set(),
      changedAtMs: new Map(),
      read: new Map(),
      unsure: [],
      listCalls: 1,
    };
    return settleReconcile(
      { ledger, reconcileEveryMs: 15 * MIN, pageSize: 10 },
      reconciler,
      DEFAULT_PRICES,
      plan,
      [],
      { incomplete: 0, undone: [], finished: 0, closedEarly: 0, presumed },
    );
  };

  it('stretches no further than a wrong presumption of a dear pool may cost, and as far as ever without one', async () => {
    const p4d = { ...SAMPLE_CRITERIA, instanceType: 'ml.p4d.24xlarge', instanceCount: 4 };
    const pool = sampleAvailablePool('dear', NOW - 10 * MIN);
    const marked = {
      ...pool,
      ...(pool.job ? { job: { ...pool.job, criteria: p4d } } : {}),
      ...(pool.pool ? { pool: { ...pool.pool, presumedTakenBy: 'taker', presumedAtMs: NOW - 5 * MIN } } : {}),
    };
    expect(await settle([])).toBe(NOW + 120 * MIN);
    // Four ml.p4d.24xlarge idle cost $150 an hour: $25 is spent within the longest period.
    expect(await settle([marked])).toBe(NOW + 60 * MIN);
  });
});
