import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareJobs, snapshotOf } from '../../devtools/sim/simJobs';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import type { GapScope } from '../../lib/domain/policy/gapDistribution';
import type { TimedGap } from '../../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { policyOf } from '../support/policyOf';
import { sampleTraceJob } from '../support/sampleTraceJob';

/** Every clock-driven rule at once: two offices' working hours, idle limits, caps, tags, warnings, activity. */
const POLICY = policyOf(
  `
defaults:
  workingHours:
    - timeZone: Europe/Berlin
      days: [mon, tue, wed, thu, fri]
      start: "08:00"
      end: "19:00"
      holidays: ["2025-03-31"]
    - timeZone: America/New_York
      days: [mon, tue, wed, thu, fri]
      start: "08:30"
      end: "18:30"
  idle: { insideWorkingHours: 2h, outsideWorkingHours: 40m }
  extend:
    step: 30m
    within: 10m
    when: { reusedWithin: 1h, ownerActiveWithin: 20m, predictedReuse: true }
  caps:
    keepAlivePerCall: 45m
    poolLifetime: 1d
    idleSpendPerPoolPerDay: 40
    idleSpendPerTeamPerDay: 120
  keepAlive: { strategy: adaptive, waitingValuePerHour: 90 }
  notify: { leadTime: 15m }
rules:
  - name: research
    match: { teams: [research] }
    keepAlive: { strategy: break-even }
    idle: { insideWorkingHours: off }
  - name: nightly
    match: { teams: [nightly] }
    workingHours: []
    keepAlive: { strategy: hybrid-histogram, minSamples: 3 }
    notify: { leadTime: off }
`,
);
const SETUP: PolicySetup = {
  policy: POLICY,
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  killSwitch: false,
  prices: DEFAULT_PRICES,
};

const MIN = 60_000;
/** A week around the clocks changing in Berlin (30 March 2025), with a holiday on the Monday. */
const WEEK_FROM = Date.parse('2025-03-26T00:00:00Z');

const scenario = fc.record({
  nowMs: fc.integer({ min: WEEK_FROM, max: WEEK_FROM + 7 * 24 * 60 * MIN }),
  idleMinutes: fc.integer({ min: 0, max: 300 }),
  expiresInMinutes: fc.integer({ min: 1, max: 180 }),
  ageMinutes: fc.integer({ min: 0, max: 1400 }),
  team: fc.constantFrom('vision', 'research', 'nightly'),
  instanceType: fc.constantFrom('ml.g5.xlarge', 'ml.g5.12xlarge', 'ml.p4d.24xlarge'),
  instanceCount: fc.integer({ min: 1, max: 2 }),
  reused: fc.boolean(),
  tags: fc.constantFrom<Record<string, string>>(
    {},
    { 'poolwarden:protect': 'true' },
    { 'poolwarden:idle-limit': '25m' },
  ),
  heldForMinutes: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
  ownerSubmittedMinutesAgo: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  gaps: fc.array(fc.record({ gapSeconds: fc.integer({ min: 0, max: 3 * 3600 }), reused: fc.boolean() }), {
    maxLength: 30,
  }),
  poolSpentUsd: fc.double({ min: 0, max: 45, noNaN: true }),
  teamSpentUsd: fc.double({ min: 0, max: 130, noNaN: true }),
  othersUsdPerHour: fc.double({ min: 0, max: 80, noNaN: true }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const headOf = (s: Scenario): JobRecord => {
  const availableSinceMs = s.nowMs - s.idleMinutes * MIN;
  const [job] = prepareJobs(
    [
      sampleTraceJob('head', availableSinceMs - 20 * MIN, 600, {
        instanceType: s.instanceType,
        instanceCount: s.instanceCount,
        tags: { owner: 'alice', team: s.team, ...s.tags },
      }),
    ],
    { prices: DEFAULT_PRICES },
  );
  if (!job) throw new Error('no job');
  return {
    name: job.name,
    job: snapshotOf(job, { startedAtMs: availableSinceMs - 10 * MIN, endedAtMs: availableSinceMs }, 3600),
    pool: {
      status: 'Available',
      keepAliveSeconds: 3600,
      availableSinceMs,
      expiresAtMs: s.nowMs + s.expiresInMinutes * MIN,
      bornAtMs: availableSinceMs - s.ageMinutes * MIN,
      poolId: 'pool-1',
      observedAtMs: s.nowMs,
      ...(s.heldForMinutes !== undefined ? { heldUntilMs: s.nowMs + s.heldForMinutes * MIN } : {}),
    },
    ...(s.reused ? { reusedPoolOf: 'before' } : {}),
  };
};

/** The scenario at `atMs`: only the clock has moved; the spend grew at its rates. */
const decisionAt = (s: Scenario, head: JobRecord, atMs: number, explain = true) => {
  const price = (DEFAULT_PRICES[s.instanceType] ?? 0) * s.instanceCount;
  const poolRate = price / 3600;
  const teamRate = poolRate + s.othersUsdPerHour / 3600;
  const grown = (atMs - s.nowMs) / 1000;
  const samples: TimedGap[] = s.gaps.map((g, i) => ({ ...g, atMs: WEEK_FROM - (i + 1) * MIN }));
  return evaluatePool(SETUP, {
    head,
    nowMs: atMs,
    ...(s.ownerSubmittedMinutesAgo !== undefined
      ? { ownerLastSubmittedAtMs: s.nowMs - s.ownerSubmittedMinutesAgo * MIN }
      : {}),
    spend: {
      poolIdleUsdToday: s.poolSpentUsd + poolRate * grown,
      teamIdleUsdToday: s.teamSpentUsd + teamRate * grown,
      poolIdleUsdPerSecond: poolRate,
      teamIdleUsdPerSecond: teamRate,
    },
    gaps: (scope: GapScope) => (scope.kind === 'matchKey' && samples.length > 0 ? samples : undefined),
    ...(explain ? {} : { explain: false }),
  });
};

describe('until when a decision holds', () => {
  it('the decision at every minute before holdsUntilMs takes the same action as now', () => {
    let skipped = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const head = headOf(s);
        const now = decisionAt(s, head, s.nowMs);
        expect(now.holdsUntilMs).toBeGreaterThanOrEqual(s.nowMs);
        const until = Math.min(now.holdsUntilMs, s.nowMs + 6 * 60 * MIN);
        for (let atMs = s.nowMs + MIN; atMs < until; atMs += MIN) {
          skipped++;
          const later = decisionAt(s, head, atMs).decision;
          expect({ atMs, action: later.action }).toEqual({ atMs, action: now.decision.action });
        }
      }),
      { numRuns: 400 },
    );
    // The bound is not merely "now": many minutes are skipped.
    expect(skipped).toBeGreaterThan(1000);
  });

  it('a stop or an extension acts now and holds only now', () => {
    const s: Scenario = {
      nowMs: Date.parse('2025-03-26T23:30:00Z'),
      idleMinutes: 100,
      expiresInMinutes: 60,
      ageMinutes: 0,
      team: 'vision',
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      reused: false,
      tags: {},
      heldForMinutes: undefined,
      ownerSubmittedMinutesAgo: undefined,
      gaps: [],
      poolSpentUsd: 0,
      teamSpentUsd: 0,
      othersUsdPerHour: 0,
    };
    // Outside working hours (00:30 in Berlin, 19:30 in New York), 100 minutes idle: past the 40-minute limit.
    const stop = decisionAt(s, headOf(s), s.nowMs);
    expect(stop.decision.action).toBe('stop');
    expect(stop.holdsUntilMs).toBe(s.nowMs);
  });
});

describe('a decision without its words (explain: false, for a replay that reads none)', () => {
  it('is the same decision, holding as long, with an empty reason', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const head = headOf(s);
        const told = decisionAt(s, head, s.nowMs);
        const untold = decisionAt(s, head, s.nowMs, false);
        expect(told.decision.reason).not.toBe('');
        expect(untold.decision.reason).toBe('');
        expect({ ...untold.decision, reason: told.decision.reason }).toEqual(told.decision);
        expect(untold.holdsUntilMs).toBe(told.holdsUntilMs);
      }),
      { numRuns: 400 },
    );
  });
});
