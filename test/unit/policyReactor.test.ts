import { describe, expect, it } from 'vitest';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { ContainerLearnerMemo } from '../../lib/app/containerLearnerMemo';
import { policyReactor } from '../../lib/app/policyReactor';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { gapScopeId } from '../../lib/domain/policy/gapDistribution';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { Ledger } from '../../lib/ports/ledger';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { sampleAvailablePool } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

const pool = (name: string, sinceMs: number): JobRecord => sampleAvailablePool(name, sinceMs);

describe('the policy reactor', () => {
  it('ranks a pool that just became Available behind the pools of its key already Available', async () => {
    const earlier = pool('earlier', NOW - MIN);
    const fresh = pool('fresh', NOW);
    const filledLedger = async () => {
      const filled = new MemoryLedger();
      for (const record of [earlier, fresh]) {
        if (record.job) await filled.recordSnapshot(record.job);
        if (record.pool) await filled.observePool(record, record.pool);
      }
      return filled;
    };
    const ledger = await filledLedger();
    const stats = new MemoryUsageStats();
    const key = gapScopeId({ kind: 'matchKey', key: fresh.job?.matchKey ?? '' });
    // Half the pools of this key were reused 30 min after becoming Available; the rest never.
    for (let i = 0; i < 20; i++) {
      await stats.addGap([key], {
        job: `old-${i}`,
        atMs: NOW - 60 * MIN,
        gapSeconds: i < 10 ? 1800 : 6 * 3600,
        reused: i < 10,
      });
    }
    const stopped: string[] = [];
    const trainingJobs: TrainingJobs = {
      describe: async (name): Promise<TrainingJobDescription> => ({
        name,
        status: 'Completed',
        instanceType: 'ml.g5.2xlarge',
        endedAtMs: NOW,
        keepAliveSeconds: 1800,
        warmPool: { status: 'Available' },
      }),
      setKeepAlive: async (name, seconds) => {
        if (seconds === 0) stopped.push(name);
      },
    };
    const decisions = new MemoryDecisionLog();
    const deps = {
      setup: {
        policy: DEFAULT_POLICY,
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      },
      stats,
      learnerMemo: new ContainerLearnerMemo(),
      ledger,
      trainingJobs,
      decisions,
      clock: { now: () => NOW },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
    };
    const reactor = policyReactor(deps);
    await reactor.react([{ kind: 'pool-available', job: fresh }]);
    // Alone it would be kept (as the earlier pool is, tested in sweepStats.test.ts); second in line, released.
    expect(stopped).toEqual(['fresh']);
    expect(decisions.all()[0]?.reason).toContain('rank 2 of 2 Available pools of this key');

    // Told with the pools of its key that the event's handling knows: the same rank, no read.
    // A ledger as before the stop: a claim is refused on a pool whose end moved since it was read.
    const blind: Ledger = Object.assign(Object.create(await filledLedger()) as Ledger, {
      availableByMatchKey: async () => {
        throw new Error('the index is not read again');
      },
    });
    const laterDecisions = new MemoryDecisionLog();
    const told = policyReactor({ ...deps, ledger: blind, decisions: laterDecisions });
    stopped.length = 0;
    await told.react([{ kind: 'pool-available', job: fresh, sameKeyAvailable: [earlier, fresh] }]);
    expect(stopped).toEqual(['fresh']);
    expect(laterDecisions.all()[0]?.reason).toContain('rank 2 of 2 Available pools of this key');
  });
});
