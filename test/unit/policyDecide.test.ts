import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { type ActivityFacts, type Decision, decide } from '../../lib/domain/policy/decide';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import type { Policy } from '../../lib/domain/policy/policy';
import type { PoolFacts } from '../../lib/domain/policy/poolFacts';
import { selectRule } from '../../lib/domain/policy/ruleSelection';
import type { SpendFacts } from '../../lib/domain/policy/spendCaps';
import type { KeepAdvice } from '../../lib/domain/policy/strategies';
import { type Overrides, withOverrides } from '../support/overrides';
import { policyOf } from '../support/policyOf';

const POLICY = policyOf(`
defaults:
  workingHours:
    - timeZone: Europe/Berlin
      days: [mon, tue, wed, thu, fri]
      start: "08:00"
      end: "19:00"
      holidays: ["2025-12-25"]
  idle: { insideWorkingHours: 2h, outsideWorkingHours: 30m }
  extend:
    step: 30m
    within: 10m
    when: { reusedWithin: 1h, ownerActiveWithin: 20m, predictedReuse: true }
  caps:
    keepAlivePerCall: 1h
    poolLifetime: 3d
    idleSpendPerPoolPerDay: 100
    idleSpendPerTeamPerDay: 500
  keepAlive: { strategy: adaptive }
  notify: { leadTime: 10m }
rules:
  - name: new-york
    match: { teams: [ny] }
    workingHours:
      - timeZone: America/New_York
        days: [mon, tue, wed, thu, fri]
        start: "09:00"
        end: "18:00"
        holidays: ["2025-07-04"]
  - name: no-opt-out
    match: { teams: [finance] }
    honourTags: { optOut: false, protect: false }
  - name: long-steps
    match: { teams: [research] }
    idle: { insideWorkingHours: off }
    extend: { step: 2h }
  - name: rehearsal
    match: { teams: [rehearsal] }
    dryRun: true
`);

const MIN = 60_000;
const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis();
const newYork = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' }).toMillis();
const utc = (iso: string) => Date.parse(`${iso}Z`);

/** A weekday morning in Berlin: inside working hours. */
const WEEKDAY_10 = berlin('2025-06-03T10:00');
/** The same Tuesday at 20:00: outside. */
const WEEKDAY_20 = berlin('2025-06-03T20:00');

interface Scenario {
  readonly now: number;
  /** Minutes the pool has been Available. */
  readonly idle: number;
  /** Minutes until its predicted expiry (negative: past). */
  readonly expiresIn: number;
  readonly pool?: Overrides<PoolFacts>;
  readonly activity?: ActivityFacts;
  readonly spend?: SpendFacts;
  readonly advice?: (now: number, pool: PoolFacts) => KeepAdvice;
  /** The expected-cost check; default (price known and activity shown): keeping pays for 10 h; else it does not pay. */
  readonly keepCheck?: (now: number) => KeepAdvice;
  readonly price?: number | null;
  readonly killSwitch?: boolean;
  readonly policy?: Policy;
}

const poolAt = (s: Scenario): PoolFacts =>
  withOverrides<PoolFacts>(
    {
      poolId: 'train-1',
      headJob: 'train-1',
      status: 'Available',
      availableSinceMs: s.now - s.idle * MIN,
      expiresAtMs: s.now + s.expiresIn * MIN,
      bornAtMs: s.now - s.idle * MIN - 3 * 3600_000,
      ownKeepAliveSeconds: 3600,
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      owner: 'alice',
      team: 'vision',
      tags: {},
    },
    s.pool,
  );

function keepUntil(minutesFromNow: number, strategy: KeepAdvice['strategy'] = 'adaptive') {
  return (now: number): KeepAdvice => ({
    strategy,
    keepUntilMs: now + minutesFromNow * MIN,
    basis: `${strategy} says so`,
  });
}

const run = (s: Scenario): Decision => {
  const policy = s.policy ?? POLICY;
  const pool = poolAt(s);
  const rule = selectRule(policy, pool);
  const advice = s.advice?.(s.now, pool);
  const price = s.price === undefined ? 10 : s.price;
  const active = s.activity?.ownerLastSubmittedAtMs !== undefined || s.pool?.lastReuseAtMs !== undefined;
  const keepCheck = price === null ? undefined : (s.keepCheck ?? keepUntil(active ? 600 : -1))(s.now);
  return decide({
    pool,
    nowMs: s.now,
    policy,
    rule,
    activity: s.activity ?? {},
    spend: s.spend ?? { poolIdleUsdToday: 5, teamIdleUsdToday: 20 },
    ...(price === null ? {} : { pricePerInstanceHourUsd: price }),
    ...(advice ? { advice } : {}),
    ...(keepCheck ? { keepCheck } : {}),
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    killSwitch: s.killSwitch ?? false,
  });
};

describe('decide: working hours, time zones, DST, weekends and holidays', () => {
  it.each<[string, Decision['action'], Decision['cause'], Scenario]>([
    [
      'weekday 10:00 Berlin, idle 40m < 2h',
      'leave',
      'within-limits',
      { now: WEEKDAY_10, idle: 40, expiresIn: 20 },
    ],
    [
      'weekday 20:00 Berlin, idle 40m > 30m',
      'stop',
      'idle-limit',
      { now: WEEKDAY_20, idle: 40, expiresIn: 20 },
    ],
    [
      'Saturday 10:00 Berlin',
      'stop',
      'idle-limit',
      { now: berlin('2025-06-07T10:00'), idle: 40, expiresIn: 20 },
    ],
    [
      'Christmas 10:00 Berlin',
      'stop',
      'idle-limit',
      { now: berlin('2025-12-25T10:00'), idle: 40, expiresIn: 20 },
    ],
    ['idle 15m outside hours', 'leave', 'within-limits', { now: WEEKDAY_20, idle: 15, expiresIn: 30 }],
    [
      'idle 29m outside hours: the stop is a minute away',
      'warn',
      'ending-soon',
      { now: WEEKDAY_20, idle: 29, expiresIn: 30 },
    ],
    // 06:30 UTC is 07:30 in Berlin before the spring change and 08:30 after it.
    [
      'Mon 06:30 UTC, a week before DST',
      'stop',
      'idle-limit',
      { now: utc('2025-03-24T06:30:00'), idle: 40, expiresIn: 20 },
    ],
    [
      'Mon 06:30 UTC, the day after DST',
      'leave',
      'within-limits',
      { now: utc('2025-03-31T06:30:00'), idle: 40, expiresIn: 20 },
    ],
    // …and the other way round after the autumn change.
    [
      'Mon 06:30 UTC, before autumn change',
      'leave',
      'within-limits',
      { now: utc('2025-10-20T06:30:00'), idle: 40, expiresIn: 20 },
    ],
    [
      'Mon 06:30 UTC, after autumn change',
      'stop',
      'idle-limit',
      { now: utc('2025-10-27T06:30:00'), idle: 40, expiresIn: 20 },
    ],
    // The New York team's rule reads New York's clock, which changes on 9 March.
    [
      'NY team, Mon 13:30 UTC before DST (08:30 EST)',
      'stop',
      'idle-limit',
      { now: utc('2025-03-03T13:30:00'), idle: 40, expiresIn: 20, pool: { team: 'ny' } },
    ],
    [
      'NY team, Mon 13:30 UTC after DST (09:30 EDT)',
      'leave',
      'within-limits',
      { now: utc('2025-03-10T13:30:00'), idle: 40, expiresIn: 20, pool: { team: 'ny' } },
    ],
    [
      'NY team on Independence Day',
      'stop',
      'idle-limit',
      { now: newYork('2025-07-04T11:00'), idle: 40, expiresIn: 20, pool: { team: 'ny' } },
    ],
    [
      'NY team at 10:00 Berlin (04:00 New York)',
      'stop',
      'idle-limit',
      { now: WEEKDAY_10, idle: 40, expiresIn: 20, pool: { team: 'ny' } },
    ],
  ])('%s -> %s (%s)', (_label, action, cause, scenario) => {
    const decision = run(scenario);
    expect({ action: decision.action, cause: decision.cause }).toEqual({ action, cause });
  });

  it('names the numbers and the local time in the reason', () => {
    const decision = run({ now: berlin('2025-12-25T10:00'), idle: 40, expiresIn: 20 });
    expect(decision).toMatchObject({ action: 'stop', rule: 'defaults', dryRun: false });
    expect(decision.reason).toBe(
      'idle 40m, limit 30m outside working hours (Thu 2025-12-25 10:00 Europe/Berlin, holiday 2025-12-25)',
    );
  });
});

describe('decide: pools that are not Available are never touched', () => {
  it.each(['InUse', 'Terminated', 'Reused', 'Bogus', undefined])('status %s -> leave', (status) => {
    // Everything else screams "stop": far past the idle limit, over every cap.
    const decision = run({
      now: WEEKDAY_20,
      idle: 600,
      expiresIn: 5,
      pool: { status },
      spend: { poolIdleUsdToday: 1e6, teamIdleUsdToday: 1e6 },
    });
    expect(decision).toMatchObject({ action: 'leave', cause: 'not-available' });
  });

  it('leaves an Available pool whose idle start or expiry is unknown', () => {
    expect(run({ now: WEEKDAY_20, idle: 600, expiresIn: 5, pool: { expiresAtMs: undefined } })).toMatchObject(
      {
        action: 'leave',
        cause: 'facts-missing',
      },
    );
  });
});

describe('decide: tags', () => {
  it('opt-out: no action at all, even over the caps', () => {
    const decision = run({
      now: WEEKDAY_20,
      idle: 600,
      expiresIn: 5,
      pool: { tags: { 'poolwarden:opt-out': 'true' } },
      spend: { poolIdleUsdToday: 1e6 },
    });
    expect(decision).toMatchObject({ action: 'leave', cause: 'opted-out' });
  });

  it('opt-out and protect are ignored where the rule does not honour them, and the reason says so', () => {
    const decision = run({
      now: WEEKDAY_20,
      idle: 40,
      expiresIn: 20,
      pool: { team: 'finance', tags: { 'poolwarden:opt-out': '', 'poolwarden:protect': 'yes' } },
    });
    expect(decision).toMatchObject({ action: 'stop', cause: 'idle-limit', rule: 'no-opt-out' });
    expect(decision.reason).toContain('ignored tags: poolwarden:opt-out (not allowed by this rule)');
  });

  it('a flag tag set to "false" is off', () => {
    const decision = run({
      now: WEEKDAY_20,
      idle: 40,
      expiresIn: 20,
      pool: { tags: { 'poolwarden:opt-out': 'false' } },
    });
    expect(decision.action).toBe('stop');
  });

  describe('protect: never stopped before its own keep-alive (1h) ends', () => {
    const protectedPool = { tags: { 'poolwarden:protect': 'true' } };
    it.each<[string, number, number, Decision['action'], Decision['cause']]>([
      ['idle 40m: idle limit passed, own keep-alive has 20m left', 40, 20, 'leave', 'protected'],
      ['idle 52m: the deferred stop is within the lead time', 52, 30, 'warn', 'ending-soon'],
      ['idle 61m: own keep-alive over', 61, 30, 'stop', 'idle-limit'],
    ])('%s', (_label, idle, expiresIn, action, cause) => {
      const decision = run({ now: WEEKDAY_20, idle, expiresIn, pool: protectedPool });
      expect({ action: decision.action, cause: decision.cause }).toEqual({ action, cause });
    });

    it('also against a spend cap, but the cap still blocks any extension', () => {
      const decision = run({
        now: WEEKDAY_10,
        idle: 10,
        expiresIn: 5,
        pool: protectedPool,
        activity: { ownerLastSubmittedAtMs: WEEKDAY_10 - MIN },
        spend: { poolIdleUsdToday: 150, teamIdleUsdToday: 0 },
      });
      expect(decision).toMatchObject({ action: 'warn', cause: 'ending-soon' });
      expect(decision.reason).toContain('not extended: $150.00 spent idle today');
    });

    it('a hold set by a person protects like the tag', () => {
      const decision = run({
        now: WEEKDAY_20,
        idle: 40,
        expiresIn: 120,
        pool: { heldUntilMs: WEEKDAY_20 + 90 * MIN },
      });
      expect(decision).toMatchObject({ action: 'leave', cause: 'protected' });
      expect(decision.reason).toContain(
        'a hold set by a person protects the pool until Tue 2025-06-03 21:30',
      );
    });
  });

  describe('idle-limit tag: shortens, never lengthens', () => {
    it.each<[string, string, number, Decision['action']]>([
      ['15m inside working hours stops a pool idle 20m', '15m', 20, 'stop'],
      ['3h does not lift the 2h limit', '3h', 125, 'stop'],
      ['3h leaves a pool idle 1h alone, as the rule would', '3h', 60, 'leave'],
      ['an unreadable value is ignored', 'soonish', 60, 'leave'],
    ])('%s', (_label, value, idle, action) => {
      const decision = run({
        now: WEEKDAY_10,
        idle,
        expiresIn: 30,
        pool: { tags: { 'poolwarden:idle-limit': value } },
      });
      expect(decision.action).toBe(action);
    });

    it('the reason says the tag shortened the limit, or why it was ignored', () => {
      const shortened = run({
        now: WEEKDAY_10,
        idle: 20,
        expiresIn: 30,
        pool: { tags: { 'poolwarden:idle-limit': '15m' } },
      });
      expect(shortened.reason).toContain('limit 15m inside working hours');
      expect(shortened.reason).toContain('shortened by tag poolwarden:idle-limit');
      const ignored = run({
        now: WEEKDAY_10,
        idle: 60,
        expiresIn: 30,
        pool: { tags: { 'poolwarden:idle-limit': 'soonish' } },
      });
      expect(ignored.reason).toContain('poolwarden:idle-limit=soonish (not a duration)');
    });
  });
});

describe('decide: hard caps', () => {
  it.each<[string, Scenario, string]>([
    [
      'pool spend cap',
      { now: WEEKDAY_10, idle: 10, expiresIn: 30, spend: { poolIdleUsdToday: 100, teamIdleUsdToday: 0 } },
      '$100.00 spent idle today ≥ idle spend cap per pool per day $100.00',
    ],
    [
      'team spend cap',
      { now: WEEKDAY_10, idle: 10, expiresIn: 30, spend: { poolIdleUsdToday: 0, teamIdleUsdToday: 501 } },
      '$501.00 spent idle today ≥ idle spend cap of team vision per day $500.00',
    ],
    [
      'lifetime cap (3d from birth)',
      { now: WEEKDAY_10, idle: 10, expiresIn: 30, pool: { bornAtMs: WEEKDAY_10 - 3 * 86_400_000 } },
      'pool is 3d old ≥ lifetime cap 3d',
    ],
  ])('%s -> stop', (_label, scenario, reason) => {
    expect(run(scenario)).toMatchObject({ action: 'stop', reason });
  });

  it('a pool without a team is not held to the team cap', () => {
    const decision = run({
      now: WEEKDAY_10,
      idle: 10,
      expiresIn: 30,
      pool: { team: undefined },
      spend: { poolIdleUsdToday: 0, teamIdleUsdToday: 1e6 },
    });
    expect(decision.action).toBe('leave');
  });
});

describe('decide: extensions', () => {
  const ownerJustActive = (now: number): ActivityFacts => ({ ownerLastSubmittedAtMs: now - 5 * MIN });

  it.each<[string, Scenario, number, string]>([
    [
      'by the step when the owner is active',
      { now: WEEKDAY_10, idle: 40, expiresIn: 5, activity: ownerJustActive(WEEKDAY_10) },
      1800,
      'step 30m',
    ],
    [
      'after a recent reuse',
      { now: WEEKDAY_10, idle: 40, expiresIn: 5, pool: { lastReuseAtMs: WEEKDAY_10 - 50 * MIN } },
      1800,
      'step 30m',
    ],
    [
      'up to the idle limit only',
      { now: WEEKDAY_10, idle: 105, expiresIn: 5, activity: ownerJustActive(WEEKDAY_10) },
      900,
      'idle limit 2h',
    ],
    [
      'up to the per-call cap only',
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        pool: { team: 'research' },
        activity: ownerJustActive(WEEKDAY_10),
      },
      3600,
      'per-call cap 1h',
    ],
    [
      'up to the lifetime cap only',
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        pool: { bornAtMs: WEEKDAY_10 - 3 * 86_400_000 + 20 * MIN },
        activity: ownerJustActive(WEEKDAY_10),
      },
      1200,
      'lifetime cap 3d',
    ],
    [
      // $10/h × 2 instances = $20/h; $5 left under the pool cap buys 15 minutes.
      'up to the spend cap only',
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        activity: ownerJustActive(WEEKDAY_10),
        spend: { poolIdleUsdToday: 95, teamIdleUsdToday: 0 },
      },
      900,
      'idle spend cap per pool per day $100.00 ($95.00 spent)',
    ],
    [
      // One decision minute past it: whether to keep on from the horizon is decided there.
      'up to the horizon the expected-cost check finds worth it',
      { now: WEEKDAY_10, idle: 40, expiresIn: 5, keepCheck: keepUntil(25) },
      1560,
      'expected-cost horizon',
    ],
  ])('%s', (_label, scenario, keepAliveSeconds, boundBy) => {
    const decision = run(scenario);
    expect(decision).toMatchObject({
      action: 'extend',
      cause: 'extension',
      keepAliveSeconds,
      endsAtMs: scenario.now + keepAliveSeconds * 1000,
    });
    expect(decision.reason).toContain(`bounded by the ${boundBy}`);
  });

  it('outlives the expected-cost horizon, so that the decision at the horizon can keep on', () => {
    // Extended to the horizon (25 min from now) and a minute: at the horizon the pool is still
    // Available, and a check that then finds a later horizon worth it extends again.
    const extended = run({ now: WEEKDAY_10, idle: 40, expiresIn: 5, keepCheck: keepUntil(25) });
    const horizonMs = WEEKDAY_10 + 25 * MIN;
    expect(extended.endsAtMs).toBeGreaterThan(horizonMs);
    const atHorizon = run({
      now: horizonMs,
      idle: 65,
      expiresIn: ((extended.endsAtMs ?? 0) - horizonMs) / MIN,
      keepCheck: keepUntil(20),
    });
    expect(atHorizon).toMatchObject({ action: 'extend', keepAliveSeconds: 21 * 60 });
    // A check that finds nothing worth it there stops the pool at the horizon's minute.
    const stopped = run({
      now: horizonMs,
      idle: 65,
      expiresIn: ((extended.endsAtMs ?? 0) - horizonMs) / MIN,
      keepCheck: keepUntil(-1),
      advice: keepUntil(0),
    });
    expect(stopped.action).toBe('stop');
  });

  it('waits until the pool is about to end before calling UpdateTrainingJob', () => {
    expect(
      run({ now: WEEKDAY_10, idle: 40, expiresIn: 25, activity: ownerJustActive(WEEKDAY_10) }),
    ).toMatchObject({
      action: 'leave',
      cause: 'extension-planned',
    });
  });

  it.each<[string, Scenario, string]>([
    [
      'the expected-cost check says keeping does not pay',
      { now: WEEKDAY_10, idle: 40, expiresIn: 5, keepCheck: keepUntil(-1) },
      'not worth it past the expiry',
    ],
    [
      'the owner is active but the price forbids the keep (activity is evidence, not an override)',
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        activity: ownerJustActive(WEEKDAY_10),
        pool: { lastReuseAtMs: WEEKDAY_10 - 5 * MIN },
        keepCheck: keepUntil(-1),
      },
      'not worth it past the expiry',
    ],
    [
      'the caps leave less than a minute',
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        activity: ownerJustActive(WEEKDAY_10),
        spend: { poolIdleUsdToday: 98.2, teamIdleUsdToday: 0 },
      },
      'leaves no room past the current expiry',
    ],
    [
      'the price is unknown, so the spend caps cannot be checked',
      { now: WEEKDAY_10, idle: 40, expiresIn: 5, activity: ownerJustActive(WEEKDAY_10), price: null },
      'the price is unknown',
    ],
    [
      "the pool's birth is unknown",
      {
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        activity: ownerJustActive(WEEKDAY_10),
        pool: { bornAtMs: undefined },
      },
      'lifetime cap cannot be checked',
    ],
  ])('warns instead when %s', (_label, scenario, why) => {
    const decision = run(scenario);
    expect(decision).toMatchObject({
      action: 'warn',
      cause: 'ending-soon',
      endsAtMs: scenario.now + 5 * MIN,
    });
    expect(decision.reason).toContain('its keep-alive runs out; not extended: ');
    expect(decision.reason).toContain(why);
  });

  it('never "extends" by less than a minute: a keep-alive of 0 would terminate the pool', () => {
    // Found by the property test: past the predicted expiry, 2 s of spend headroom left.
    const decision = run({
      now: WEEKDAY_10,
      idle: 40,
      expiresIn: -1,
      activity: ownerJustActive(WEEKDAY_10),
      spend: { poolIdleUsdToday: 99.99, teamIdleUsdToday: 0 },
    });
    expect(decision).toMatchObject({ action: 'leave', cause: 'past-expiry' });
  });

  it('the default policy extends only when the expected-cost check says it pays', () => {
    const scenario: Scenario = {
      now: WEEKDAY_10,
      idle: 40,
      expiresIn: 5,
      policy: DEFAULT_POLICY,
      activity: ownerJustActive(WEEKDAY_10),
      pool: { lastReuseAtMs: WEEKDAY_10 - MIN },
    };
    expect(run({ ...scenario, keepCheck: keepUntil(-1) })).toMatchObject({
      action: 'warn',
      rule: 'defaults',
    });
    expect(run({ ...scenario, keepCheck: keepUntil(20) })).toMatchObject({
      action: 'extend',
      rule: 'defaults',
    });
  });

  it('with no extension condition on, nothing is extended', () => {
    const policy = policyOf(`
defaults:
  extend: { when: { predictedReuse: false } }
  keepAlive: { strategy: adaptive }
`);
    const decision = run({ now: WEEKDAY_10, idle: 40, expiresIn: 5, policy });
    expect(decision.reason).toContain('no extension condition holds');
  });
});

describe('decide: the keep-alive strategy', () => {
  it('stops a pool once the strategy says it is not worth keeping', () => {
    const decision = run({ now: WEEKDAY_10, idle: 12, expiresIn: 48, advice: keepUntil(-2) });
    expect(decision).toMatchObject({ action: 'stop', cause: 'strategy', reason: 'adaptive says so' });
  });

  it('warns ahead of the strategy stop', () => {
    expect(run({ now: WEEKDAY_10, idle: 12, expiresIn: 48, advice: keepUntil(4) })).toMatchObject({
      action: 'warn',
      endsAtMs: WEEKDAY_10 + 4 * MIN,
    });
  });

  it('stops even when the owner is at work: activity is weighed inside the strategy, never an override', () => {
    const decision = run({
      now: WEEKDAY_10,
      idle: 12,
      expiresIn: 48,
      advice: keepUntil(-2),
      activity: { ownerLastSubmittedAtMs: WEEKDAY_10 - 3 * MIN },
    });
    expect(decision).toMatchObject({ action: 'stop', cause: 'strategy' });
  });

  it('a strategy that wants the current expiry changes nothing', () => {
    const decision = run({ now: WEEKDAY_10, idle: 12, expiresIn: 48, advice: keepUntil(48, 'fixed') });
    expect(decision).toMatchObject({ action: 'leave', cause: 'within-limits' });
  });
});

describe('decide: warnings and the rest', () => {
  it('warns within the lead time of the expiry', () => {
    const decision = run({ now: WEEKDAY_10, idle: 30, expiresIn: 8 });
    expect(decision).toMatchObject({ action: 'warn', cause: 'ending-soon', endsAtMs: WEEKDAY_10 + 8 * MIN });
    expect(decision.reason).toMatch(
      /^pool ends Tue 2025-06-03 10:08 Europe\/Berlin \(in 8m\): its keep-alive runs out/,
    );
  });

  it('warns ahead of an idle-limit stop', () => {
    const decision = run({ now: WEEKDAY_20, idle: 25, expiresIn: 35 });
    expect(decision).toMatchObject({ action: 'warn', endsAtMs: WEEKDAY_20 + 5 * MIN });
    expect(decision.reason).toContain('stopped at the idle limit 30m');
  });

  it('leaves a pool past its predicted expiry to the reconciler', () => {
    expect(run({ now: WEEKDAY_10, idle: 70, expiresIn: -1, pool: { team: 'research' } })).toMatchObject({
      action: 'leave',
      cause: 'past-expiry',
    });
  });

  describe('dry run', () => {
    it.each<[string, Scenario]>([
      ['the kill switch', { now: WEEKDAY_20, idle: 40, expiresIn: 20, killSwitch: true }],
      ['the policy', { now: WEEKDAY_20, idle: 40, expiresIn: 20, policy: { ...POLICY, dryRun: true } }],
      ['the rule', { now: WEEKDAY_20, idle: 40, expiresIn: 20, pool: { team: 'rehearsal' } }],
    ])('%s makes the decision a dry run; the action is still computed', (_label, scenario) => {
      expect(run(scenario)).toMatchObject({ action: 'stop', dryRun: true });
    });

    it('the kill switch covers extensions too', () => {
      const decision = run({
        now: WEEKDAY_10,
        idle: 40,
        expiresIn: 5,
        killSwitch: true,
        activity: { ownerLastSubmittedAtMs: WEEKDAY_10 },
      });
      expect(decision).toMatchObject({ action: 'extend', dryRun: true });
    });
  });
});
