import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { observeDescription } from '../../lib/app/observeDescription';
import { usageStatsReactor } from '../../lib/app/usageStatsReactor';
import { DEFAULT_KEEP_ALIVE_LIMITS, lifetimeEndMs } from '../../lib/domain/keepAlive';
import { gapScopeId } from '../../lib/domain/policy/gapDistribution';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { presumedObservation } from '../../lib/domain/reusePresumption';
import { sampleAvailablePool, sampleSnapshot } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;

const present = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
};

/** Pool 'giver' Available since T0 in the ledger; `stale` read by a sweep; then B's start presumes it. */
const setup = async () => {
  const ledger = new MemoryLedger();
  const giver = sampleAvailablePool('giver', T0);
  await ledger.recordSnapshot(present(giver.job, 'giver.job'));
  await ledger.observePool(giver, present(giver.pool, 'giver.pool'));
  const stale = present(await ledger.getJob('giver'), 'giver');
  const stats = new MemoryUsageStats();
  const told: number[] = [];
  const reactor = usageStatsReactor(stats, DEFAULT_PRICES, { onIdleSpend: (usd) => void told.push(usd) });
  // B's start event, between the sweep's read and its write: presumes the pool and tells the hop.
  const b = sampleSnapshot('taker', T0 + 10 * MIN, {
    createdAtMs: T0 + 5 * MIN,
    status: 'InProgress',
    owner: 'alice',
    team: 'vision',
  });
  await ledger.recordSnapshot(b);
  await ledger.linkReuse(
    'giver',
    'taker',
    { poolId: 'giver', bornAtMs: T0 },
    lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
  );
  expect(await ledger.presumeReuse('giver', 'taker', b.createdAtMs)).toBe(true);
  const marked = present(await ledger.getJob('giver'), 'giver');
  const markedPool = present(marked.pool, 'giver.pool');
  const presumedHop: LedgerFact = {
    kind: 'pool-reused',
    fromJob: { ...marked, pool: { ...markedPool, ...presumedObservation(markedPool, b) } },
    toJob: 'taker',
    presumed: true,
  };
  await reactor.react([presumedHop]);
  const deps = {
    ledger,
    clock: { now: () => T0 + 12 * MIN },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    beforeLeaving: (facts: readonly LedgerFact[]) => reactor.react(facts),
  };
  return { ledger, stale, stats, told, deps };
};

const description = (warmPool: {
  status: 'Reused' | 'Terminated';
  reusedByJob?: string;
  billableSeconds: number;
}) => ({
  name: 'giver',
  status: 'Completed' as const,
  instanceType: 'ml.g5.2xlarge',
  warmPool,
});

describe('a mark set between a sweep read and its write', () => {
  it("wrong (Reused by another job): the real hop's idle spend survives the withdrawal", async () => {
    const { ledger, stale, stats, deps } = await setup();
    await observeDescription(
      deps,
      stale,
      description({ status: 'Reused', reusedByJob: 'other', billableSeconds: 240 }),
    );
    expect((await ledger.getJob('giver'))?.pool?.status).toBe('Reused');
    // The hop really happened (reused by 'other' after 240 s): its spend must count for the team.
    expect(await stats.idleSpend('vision', '2026-03-02')).toBeGreaterThan(0);
  });

  it('confirmed (Reused by the presumed taker): the hop is told once (one sample, one idle cost)', async () => {
    const { stats, stale, told, deps } = await setup();
    await observeDescription(
      deps,
      stale,
      description({ status: 'Reused', reusedByJob: 'taker', billableSeconds: 301 }),
    );
    const gaps = await stats.recentGaps(
      gapScopeId({ kind: 'matchKey', key: present(stale.job, 'giver.job').matchKey }),
      10,
    );
    // told[0] is the presumption's 300 s; the hop's idle cost, net, is SageMaker's 301 s once.
    const perSecond = (told[0] ?? 0) / 300;
    expect(told.reduce((a, b) => a + b, 0)).toBeCloseTo(301 * perSecond, 9);
    expect(gaps.filter((g) => !g.withdrawn)).toHaveLength(1);
  });
});
