import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expiryAfterJobEnd, type KeepAliveLimits } from '../../lib/domain/keepAlive';
import { type Decision, type DecisionInput, decide } from '../../lib/domain/policy/decide';
import { DEFAULT_RULE_SETTINGS, DEFAULT_TAG_KEYS } from '../../lib/domain/policy/defaultPolicy';
import type { RuleSettings, WorkingHoursWindow } from '../../lib/domain/policy/policy';
import type { PoolFacts } from '../../lib/domain/policy/poolFacts';
import { readTagOverrides, shortenIdleLimit } from '../../lib/domain/policy/tagOverrides';
import { workingHoursAt } from '../../lib/domain/policy/workingHours';

/**
 * Whatever the rule, the pool, its tags, the clock, the spend and the strategy say, a decision
 * never goes past a cap and never stops a protected pool early.
 */

const HOUR = 3600;
const DAY = 86_400;
const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const BERLIN: WorkingHoursWindow = {
  timeZone: 'Europe/Berlin',
  days: WEEK_DAYS,
  startMinute: 480,
  endMinute: 1140,
  holidays: ['2025-12-25'],
};
const NEW_YORK: WorkingHoursWindow = {
  timeZone: 'America/New_York',
  days: WEEK_DAYS,
  startMinute: 540,
  endMinute: 1080,
  holidays: ['2025-07-04'],
};
const NIGHT: WorkingHoursWindow = {
  timeZone: 'UTC',
  days: ['fri'],
  startMinute: 1320,
  endMinute: 360,
  holidays: [],
};

const orOff = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const usd = (max: number) => fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true });

const settingsArb: fc.Arbitrary<RuleSettings> = fc.record({
  workingHours: fc.constantFrom<WorkingHoursWindow[]>([], [BERLIN], [NEW_YORK], [BERLIN, NEW_YORK], [NIGHT]),
  idle: fc.record({
    insideWorkingHoursSeconds: orOff(fc.integer({ min: 0, max: 6 * HOUR })),
    outsideWorkingHoursSeconds: orOff(fc.integer({ min: 0, max: 6 * HOUR })),
  }),
  extend: fc.record({
    when: fc.record({
      reusedWithinSeconds: orOff(fc.integer({ min: 0, max: 3 * HOUR })),
      ownerActiveWithinSeconds: orOff(fc.integer({ min: 0, max: 3 * HOUR })),
      predictedReuse: fc.boolean(),
    }),
    stepSeconds: fc.integer({ min: 60, max: 21_600 }),
    withinSeconds: fc.integer({ min: 0, max: 2 * HOUR }),
  }),
  caps: fc.record({
    keepAlivePerCallSeconds: orOff(fc.integer({ min: 60, max: 21_600 })),
    poolLifetimeSeconds: orOff(fc.integer({ min: HOUR, max: 30 * DAY })),
    idleSpendPerPoolPerDayUsd: orOff(usd(500)),
    idleSpendPerTeamPerDayUsd: orOff(usd(2000)),
  }),
  keepAlive: fc.constant(DEFAULT_RULE_SETTINGS.keepAlive),
  notifyLeadTimeSeconds: orOff(fc.integer({ min: 0, max: HOUR })),
  dryRun: fc.boolean(),
  honourTags: fc.record({ optOut: fc.boolean(), protect: fc.boolean(), idleLimit: fc.boolean() }),
});

const wideScenarioArb = fc.record({
  nowMs: fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
  settings: settingsArb,
  limits: fc.record({
    perCallCapSeconds: fc.constantFrom(600, 3600, 21_600),
    lifetimeCapSeconds: fc.constantFrom(DAY, 7 * DAY, 28 * DAY),
  }),
  status: fc.constantFrom(
    'Available',
    'Available',
    'Available',
    'Available',
    'InUse',
    'Reused',
    'Terminated',
    'Gone',
  ),
  statusKnown: fc.boolean(),
  idleSeconds: fc.integer({ min: 0, max: 12 * HOUR }),
  expiresInSeconds: fc.integer({ min: -HOUR, max: 8 * HOUR }),
  ageBeforeIdleSeconds: maybe(fc.integer({ min: 0, max: 30 * DAY })),
  ownKeepAliveSeconds: maybe(fc.integer({ min: 0, max: 21_600 })),
  lastReuseAgoSeconds: maybe(fc.integer({ min: 0, max: 4 * HOUR })),
  ownerActiveAgoSeconds: maybe(fc.integer({ min: 0, max: 4 * HOUR })),
  heldForSeconds: maybe(fc.integer({ min: -HOUR, max: 4 * HOUR })),
  instanceCount: maybe(fc.integer({ min: 1, max: 16 })),
  team: maybe(fc.constantFrom('vision', 'nlp')),
  optOut: fc.boolean(),
  protect: fc.constantFrom(undefined, 'true', '', 'false'),
  idleLimitTag: maybe(fc.constantFrom('0', '5m', '30m', '2h', '10h', 'junk')),
  poolSpend: maybe(usd(600)),
  teamSpend: maybe(usd(2500)),
  price: maybe(fc.double({ min: 0.05, max: 120, noNaN: true, noDefaultInfinity: true })),
  adviceInSeconds: maybe(fc.integer({ min: -2 * HOUR, max: 10 * HOUR })),
  killSwitch: fc.boolean(),
  policyDryRun: fc.boolean(),
});
type Scenario = typeof wideScenarioArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * The wide generator rarely lines up everything an extension needs, so half the scenarios are
 * pushed towards one: an Available pool with every fact known, about to end, its owner active.
 * Caps, limits, tags, clocks and spend stay random, so the bounds are what gets tested.
 */
const nearExtensionArb = wideScenarioArb.map(
  (s): Scenario => ({
    ...s,
    status: 'Available',
    statusKnown: true,
    optOut: false,
    idleSeconds: s.idleSeconds % HOUR,
    expiresInSeconds: (Math.abs(s.expiresInSeconds) % 900) - 60,
    ageBeforeIdleSeconds: (s.ageBeforeIdleSeconds ?? 0) % (12 * HOUR),
    ownerActiveAgoSeconds: (s.ownerActiveAgoSeconds ?? 0) % 600,
    instanceCount: s.instanceCount ?? 4,
    price: s.price ?? 3,
    poolSpend: (s.poolSpend ?? 0) % 60,
    teamSpend: (s.teamSpend ?? 0) % 200,
    settings: {
      ...s.settings,
      extend: {
        ...s.settings.extend,
        withinSeconds: Math.max(s.settings.extend.withinSeconds, 900),
        when: { ...s.settings.extend.when, ownerActiveWithinSeconds: 600 },
      },
    },
  }),
);

const scenarioArb = fc.oneof(
  { arbitrary: wideScenarioArb, weight: 1 },
  { arbitrary: nearExtensionArb, weight: 2 },
);

const inputOf = (s: Scenario): DecisionInput => {
  const availableSinceMs = s.nowMs - s.idleSeconds * 1000;
  const tags: Record<string, string> = {};
  if (s.optOut) tags[DEFAULT_TAG_KEYS.optOut] = 'true';
  if (s.protect !== undefined) tags[DEFAULT_TAG_KEYS.protect] = s.protect;
  if (s.idleLimitTag !== undefined) tags[DEFAULT_TAG_KEYS.idleLimit] = s.idleLimitTag;
  const pool: PoolFacts = {
    poolId: 'p',
    headJob: 'p',
    ...(s.statusKnown ? { status: s.status } : {}),
    availableSinceMs,
    expiresAtMs: s.nowMs + s.expiresInSeconds * 1000,
    ...(s.ageBeforeIdleSeconds !== undefined
      ? { bornAtMs: availableSinceMs - s.ageBeforeIdleSeconds * 1000 }
      : {}),
    ...(s.ownKeepAliveSeconds !== undefined ? { ownKeepAliveSeconds: s.ownKeepAliveSeconds } : {}),
    ...(s.lastReuseAgoSeconds !== undefined ? { lastReuseAtMs: s.nowMs - s.lastReuseAgoSeconds * 1000 } : {}),
    ...(s.heldForSeconds !== undefined ? { heldUntilMs: s.nowMs + s.heldForSeconds * 1000 } : {}),
    ...(s.instanceCount !== undefined ? { instanceCount: s.instanceCount } : {}),
    ...(s.team !== undefined ? { team: s.team } : {}),
    tags,
  };
  return {
    pool,
    nowMs: s.nowMs,
    policy: { dryRun: s.policyDryRun, tagKeys: DEFAULT_TAG_KEYS },
    rule: { name: 'random', settings: s.settings, matchedBy: 'property test' },
    activity:
      s.ownerActiveAgoSeconds !== undefined
        ? { ownerLastSubmittedAtMs: s.nowMs - s.ownerActiveAgoSeconds * 1000 }
        : {},
    spend: {
      ...(s.poolSpend !== undefined ? { poolIdleUsdToday: s.poolSpend } : {}),
      ...(s.teamSpend !== undefined ? { teamIdleUsdToday: s.teamSpend } : {}),
    },
    ...(s.price !== undefined ? { pricePerInstanceHourUsd: s.price } : {}),
    ...(s.adviceInSeconds !== undefined
      ? {
          advice: {
            strategy: 'adaptive',
            keepUntilMs: s.nowMs + s.adviceInSeconds * 1000,
            basis: 'random advice',
          },
        }
      : {}),
    limits: s.limits,
    killSwitch: s.killSwitch,
  };
};

const tighter = (limits: KeepAliveLimits, settings: RuleSettings): KeepAliveLimits => ({
  perCallCapSeconds: Math.min(
    limits.perCallCapSeconds,
    settings.caps.keepAlivePerCallSeconds ?? Number.POSITIVE_INFINITY,
  ),
  lifetimeCapSeconds: Math.min(
    limits.lifetimeCapSeconds,
    settings.caps.poolLifetimeSeconds ?? Number.POSITIVE_INFINITY,
  ),
});

/** Cents of floating-point slack on money; nothing else gets any. */
const EPSILON_USD = 1e-9;

const RUNS = { numRuns: 3000 };

describe('decision properties', () => {
  it('an extension stays within the per-call cap, the lifetime cap, the idle limit and the spend caps', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = inputOf(s);
        const decision = decide(input);
        if (decision.action !== 'extend') return;
        const { pool, nowMs, rule } = input;
        const limits = tighter(s.limits, rule.settings);
        const seconds = decision.keepAliveSeconds ?? Number.NaN;
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(60);
        expect(seconds).toBeLessThanOrEqual(limits.perCallCapSeconds);
        expect(decision.endsAtMs).toBe(nowMs + seconds * 1000);
        expect(decision.endsAtMs ?? 0).toBeGreaterThan(pool.expiresAtMs ?? Number.POSITIVE_INFINITY);

        // The lifetime cap needs the pool's birth: no birth, no extension.
        expect(pool.bornAtMs).toBeDefined();
        expect(nowMs + seconds * 1000).toBeLessThanOrEqual(
          (pool.bornAtMs ?? 0) + limits.lifetimeCapSeconds * 1000,
        );

        const tags = readTagOverrides(pool.tags, DEFAULT_TAG_KEYS, rule.settings.honourTags);
        const inside = workingHoursAt(rule.settings.workingHours, nowMs).inside;
        const ruleLimit = inside
          ? rule.settings.idle.insideWorkingHoursSeconds
          : rule.settings.idle.outsideWorkingHoursSeconds;
        const idleLimit = shortenIdleLimit(ruleLimit, tags.idleLimitSeconds);
        if (idleLimit !== null) {
          expect(nowMs + seconds * 1000).toBeLessThanOrEqual((pool.availableSinceMs ?? 0) + idleLimit * 1000);
        }

        const rate =
          ((input.pricePerInstanceHourUsd ?? Number.NaN) * (pool.instanceCount ?? Number.NaN)) / 3600;
        const poolCap = rule.settings.caps.idleSpendPerPoolPerDayUsd;
        if (poolCap !== null) {
          expect((input.spend.poolIdleUsdToday ?? Number.NaN) + seconds * rate).toBeLessThanOrEqual(
            poolCap + EPSILON_USD,
          );
        }
        const teamCap = rule.settings.caps.idleSpendPerTeamPerDayUsd;
        if (teamCap !== null && pool.team !== undefined) {
          expect((input.spend.teamIdleUsdToday ?? Number.NaN) + seconds * rate).toBeLessThanOrEqual(
            teamCap + EPSILON_USD,
          );
        }
      }),
      RUNS,
    );
  });

  it('never stops a protected pool before its own keep-alive ends, nor a held pool before its hold', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = inputOf(s);
        const decision = decide(input);
        if (decision.action !== 'stop') return;
        const { pool, nowMs } = input;
        const tags = readTagOverrides(pool.tags, DEFAULT_TAG_KEYS, input.rule.settings.honourTags);
        if (tags.protect) {
          const availableSinceMs = pool.availableSinceMs ?? 0;
          const ownEnd =
            pool.ownKeepAliveSeconds === undefined
              ? (pool.expiresAtMs ?? Number.POSITIVE_INFINITY)
              : expiryAfterJobEnd(
                  availableSinceMs,
                  pool.ownKeepAliveSeconds,
                  pool.bornAtMs ?? availableSinceMs,
                  s.limits,
                );
          expect(nowMs).toBeGreaterThanOrEqual(ownEnd);
        }
        if (pool.heldUntilMs !== undefined) expect(nowMs).toBeGreaterThanOrEqual(pool.heldUntilMs);
      }),
      RUNS,
    );
  });

  it('only acts on Available pools, never on opted-out ones, and honours every dry-run switch', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = inputOf(s);
        const decision: Decision = decide(input);
        if (input.pool.status !== 'Available') expect(decision.action).toBe('leave');
        if (s.optOut && s.settings.honourTags.optOut)
          expect(decision).toMatchObject({ action: 'leave', cause: 'opted-out' });
        expect(decision.dryRun).toBe(s.killSwitch || s.policyDryRun || s.settings.dryRun);
        expect(decision.rule).toBe('random');
        if (decision.action === 'warn') {
          const lead = s.settings.notifyLeadTimeSeconds;
          expect(lead).not.toBeNull();
          expect((decision.endsAtMs ?? Number.POSITIVE_INFINITY) - input.nowMs).toBeLessThanOrEqual(
            (lead ?? 0) * 1000,
          );
        }
      }),
      RUNS,
    );
  });

  it('an idle-limit tag only ever makes poolwarden stricter', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom('0', '5m', '30m', '2h', '10h'), (s, tag) => {
        const without = decide(inputOf({ ...s, idleLimitTag: undefined }));
        const withTag = decide(inputOf({ ...s, idleLimitTag: tag }));
        if (without.action === 'stop') expect(withTag.action).toBe('stop');
        if (withTag.action === 'extend') {
          expect(without.action).toBe('extend');
          expect(withTag.keepAliveSeconds ?? 0).toBeLessThanOrEqual(without.keepAliveSeconds ?? 0);
        }
      }),
      RUNS,
    );
  });
});
