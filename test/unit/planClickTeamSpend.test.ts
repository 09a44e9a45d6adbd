import { describe, expect, it } from 'vitest';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { planClick } from '../../lib/app/slackClick/planClick';
import type { SlackClickDeps } from '../../lib/app/slackClick/slackClickDeps';
import { gatherSweepKnowledge, situationAt } from '../../lib/app/sweepStats';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import { AT_EACH_INSTANT, GapLearnerMemo } from '../../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { Ledger } from '../../lib/ports/ledger';
import { policyOf } from '../support/policyOf';
import { sampleSnapshot } from '../support/sampleCriteria';

/**
 * The team's idle spend today is its ended hops plus every Available pool of the team
 * (sweepStats.knowledgeAt). A click in Slack (planClick) gathered that knowledge for the clicked
 * pool alone, so the team's other idle pools were left out: a Snooze or Keep was granted, and its
 * hold then protected the pool from the team cap's stop, when the team was already over its cap.
 */
const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

const pool = (name: string, owner: string, sinceMs: number, heldUntilMs?: number): JobRecord => ({
  name,
  job: sampleSnapshot(name, sinceMs, { owner, team: 'vision', tags: { owner, team: 'vision' } }),
  pool: {
    status: 'Available',
    keepAliveSeconds: 3600,
    availableSinceMs: sinceMs,
    expiresAtMs: sinceMs + 3_600_000,
    bornAtMs: sinceMs,
    poolId: name,
    observedAtMs: NOW,
    ...(heldUntilMs !== undefined ? { heldUntilMs } : {}),
  },
});

// ml.g5.2xlarge at $1.515/h: alice's pool idle 30 min ($0.76), bob's (held by a person) 60 min
// ($1.52): the team has idled $2.27 today, over its $2 cap.
const alice = pool('alice-a', 'alice', NOW - 30 * MIN);
const bob = pool('bob-b', 'bob', NOW - 60 * MIN, NOW + 60 * MIN);
const setup: PolicySetup = {
  policy: policyOf(`
defaults:
  idle: { insideWorkingHours: off, outsideWorkingHours: off }
  caps: { idleSpendPerTeamPerDay: 2 }
`),
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  killSwitch: false,
  prices: DEFAULT_PRICES,
};

describe("a Slack click under the team's idle spend cap", () => {
  it('sees the cap reached, as the sweep does at the same instant', async () => {
    const stats = new MemoryUsageStats();
    // The sweep reads every Available pool: alice's pool is stopped on the team cap.
    const knowledge = await gatherSweepKnowledge(stats, [alice, bob], NOW, setup);
    const memo = new GapLearnerMemo(AT_EACH_INSTANT);
    const swept = evaluatePool(setup, situationAt(alice, knowledge, NOW, memo)).decision;
    expect(swept).toMatchObject({ action: 'stop', cause: 'spend-cap' });

    // Alice clicks Snooze at that instant: the hold would protect her pool past the cap.
    // The ledger's Available pools, as the click reads them (one index, paged).
    const ledger: Pick<Ledger, 'availablePools'> = {
      availablePools: async () => ({ items: [alice, bob] }),
    };
    const deps = { stats, snoozeSeconds: 3600, ledger } as unknown as SlackClickDeps;
    const { plan } = await planClick(deps, setup, alice, 'snooze', NOW);
    // What the granted hold does: the sweep then leaves the pool idling over the team's cap.
    const hold = plan.kind === 'act' ? plan.steps.find((s) => s.action === 'hold') : undefined;
    if (hold?.action === 'hold' && alice.pool) {
      const held: JobRecord = { ...alice, pool: { ...alice.pool, heldUntilMs: hold.untilMs } };
      const after = evaluatePool(setup, situationAt(held, knowledge, NOW + MIN, memo)).decision;
      expect(after).toMatchObject({ action: 'leave', cause: 'protected' });
    }
    expect(plan.kind).toBe('refuse');
  });
});
