import { describe, expect, it } from 'vitest';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_RULE_SETTINGS } from '../../lib/domain/policy/defaultPolicy';
import type { RuleSettings } from '../../lib/domain/policy/policy';
import type { PoolFacts } from '../../lib/domain/policy/poolFacts';
import { endOfWorkingDay } from '../../lib/domain/policy/workingHours';
import { type ButtonPlanInput, planPoolButton } from '../../lib/domain/poolButtonPlan';
import { authorizeSlackActor, emailCouldAuthorize } from '../../lib/domain/slackAuthorization';

const MIN = 60_000;
/** Monday 2 March 2026, 10:00 UTC: inside the default working hours (Mon-Fri 08:00-19:00 UTC). */
const NOW = Date.parse('2026-03-02T10:00:00Z');

const pool = (overrides: Partial<PoolFacts> = {}): PoolFacts => ({
  poolId: 'train-a',
  headJob: 'train-a',
  status: 'Available',
  availableSinceMs: NOW - 10 * MIN,
  expiresAtMs: NOW + 20 * MIN,
  bornAtMs: NOW - 10 * MIN,
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  owner: 'alice',
  team: 'vision',
  tags: {},
  ...overrides,
});

const input = (
  button: ButtonPlanInput['button'],
  overrides: Partial<ButtonPlanInput> = {},
  settings: Partial<RuleSettings> = {},
): ButtonPlanInput => ({
  button,
  pool: pool(),
  rule: { name: 'vision', settings: { ...DEFAULT_RULE_SETTINGS, ...settings }, matchedBy: 'team vision' },
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  nowMs: NOW,
  snoozeSeconds: 3600,
  spend: {},
  pricePerInstanceHourUsd: 1.4,
  ...overrides,
});

const caps = (c: Partial<RuleSettings['caps']>): Partial<RuleSettings> => ({
  caps: { ...DEFAULT_RULE_SETTINGS.caps, ...c },
});

describe('what a pool button does', () => {
  it('Stop sets the keep-alive to 0', () => {
    expect(planPoolButton(input('stop'))).toMatchObject({ kind: 'act', steps: [{ action: 'stop' }] });
  });

  it("Extend moves the expiry later by the rule's step, then holds the policy off until then", () => {
    // Expiry 10:20 + step 30 min = 10:50: a keep-alive of 50 min from now.
    const plan = planPoolButton(input('extend'));
    expect(plan).toMatchObject({
      kind: 'act',
      steps: [
        { action: 'extend', keepAliveSeconds: 50 * 60, expiresAtMs: NOW + 50 * MIN },
        { action: 'hold', untilMs: NOW + 50 * MIN },
      ],
    });
  });

  it('Extend stays within the per-call cap (the deployment and the rule)', () => {
    const deployment = planPoolButton(
      input('extend', { limits: { ...DEFAULT_KEEP_ALIVE_LIMITS, perCallCapSeconds: 1800 } }),
    );
    expect(deployment.kind === 'act' && deployment.steps[0]).toMatchObject({
      action: 'extend',
      keepAliveSeconds: 1800,
    });
    expect(deployment.kind === 'act' && deployment.reason).toMatch(/per-call cap 30m/);
    const rule = planPoolButton(input('extend', {}, caps({ keepAlivePerCallSeconds: 40 * 60 })));
    expect(rule.kind === 'act' && rule.steps[0]).toMatchObject({
      action: 'extend',
      keepAliveSeconds: 40 * 60,
    });
  });

  it('Extend stays within the lifetime cap, and refuses when it leaves no room', () => {
    // Born 09:50: a 45 min lifetime cap ends it at 10:35, before the step's 10:50.
    const tight = planPoolButton(input('extend', {}, caps({ poolLifetimeSeconds: 45 * 60 })));
    expect(tight).toMatchObject({
      kind: 'act',
      steps: [
        { action: 'extend', keepAliveSeconds: 35 * 60, expiresAtMs: NOW + 35 * MIN },
        { action: 'hold', untilMs: NOW + 35 * MIN },
      ],
    });
    expect(tight.kind === 'act' && tight.reason).toMatch(/lifetime cap 45m/);
    // A 30 min cap ends it at 10:20, its current expiry: nothing to gain.
    const none = planPoolButton(input('extend', {}, caps({ poolLifetimeSeconds: 30 * 60 })));
    expect(none).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/lifetime cap 30m leaves no room/),
    });
  });

  it('Extend stays within the idle spend caps, and refuses when one is reached or unknown', () => {
    // $1.40/h: $0.70 of headroom is 30 min, until 10:30.
    const bounded = planPoolButton(
      input('extend', { spend: { poolIdleUsdToday: 0.3 } }, caps({ idleSpendPerPoolPerDayUsd: 1 })),
    );
    expect(bounded.kind === 'act' && bounded.steps[0]).toMatchObject({
      action: 'extend',
      expiresAtMs: NOW + 30 * MIN,
    });
    // $0.35 of headroom is 15 min, until 10:15: before the current expiry 10:20, so no room.
    const short = planPoolButton(
      input('extend', { spend: { poolIdleUsdToday: 0.65 } }, caps({ idleSpendPerPoolPerDayUsd: 1 })),
    );
    expect(short).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/idle spend cap per pool per day/),
    });
    const reached = planPoolButton(
      input('extend', { spend: { poolIdleUsdToday: 1.2 } }, caps({ idleSpendPerPoolPerDayUsd: 1 })),
    );
    expect(reached).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/idle spend cap/) });
    const unknown = planPoolButton(input('extend', { spend: {} }, caps({ idleSpendPerPoolPerDayUsd: 1 })));
    expect(unknown).toMatchObject({ kind: 'refuse' });
  });

  it('Keep until end of day extends to the end of the working window (capped) and holds until then', () => {
    // 19:00 UTC is 9 h away: the 1 h per-call cap binds the keep-alive, the hold covers the day.
    const plan = planPoolButton(input('keep-until-end-of-day'));
    const endOfDay = Date.parse('2026-03-02T19:00:00Z');
    expect(plan).toMatchObject({
      kind: 'act',
      steps: [
        { action: 'extend', keepAliveSeconds: 3600, expiresAtMs: NOW + 60 * MIN },
        { action: 'hold', untilMs: endOfDay },
      ],
    });
    expect(plan.kind === 'act' && plan.reason).toMatch(
      /per-call cap 1h keeps it only until Mon 2026-03-02 11:00 UTC/,
    );
    const late = planPoolButton(
      input('keep-until-end-of-day', {
        nowMs: endOfDay - 30 * MIN,
        pool: pool({
          expiresAtMs: endOfDay - 20 * MIN,
          availableSinceMs: endOfDay - 40 * MIN,
          bornAtMs: endOfDay - 40 * MIN,
        }),
      }),
    );
    expect(late).toMatchObject({
      kind: 'act',
      steps: [
        { action: 'extend', keepAliveSeconds: 1800, expiresAtMs: endOfDay },
        { action: 'hold', untilMs: endOfDay },
      ],
    });
  });

  it('Keep until end of day says so outside working hours, and changes nothing', () => {
    const saturday = Date.parse('2026-03-07T10:00:00Z');
    const plan = planPoolButton(
      input('keep-until-end-of-day', {
        nowMs: saturday,
        pool: pool({
          availableSinceMs: saturday - MIN,
          bornAtMs: saturday - MIN,
          expiresAtMs: saturday + 20 * MIN,
        }),
      }),
    );
    expect(plan).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/outside working hours \(Sat 2026-03-07 10:00 UTC\)/),
    });
  });

  it('Snooze holds the idle policy off for the configured time without touching the keep-alive', () => {
    expect(planPoolButton(input('snooze', { snoozeSeconds: 1800 }))).toMatchObject({
      kind: 'act',
      steps: [{ action: 'hold', untilMs: NOW + 30 * MIN }],
    });
    // Never shortens a longer hold.
    expect(
      planPoolButton(input('snooze', { pool: pool({ heldUntilMs: NOW + 2 * 60 * MIN }) })),
    ).toMatchObject({
      kind: 'refuse',
    });
  });
});

describe('the end of the working day', () => {
  const paris = {
    timeZone: 'Europe/Paris',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
    holidays: [],
  };

  it('follows the wall clock across a DST change', () => {
    const window = { ...paris, days: [...paris.days], startMinute: 8 * 60, endMinute: 18 * 60 };
    // Friday 27 March 2026 is CET (UTC+1); Monday 30 March is CEST (UTC+2).
    expect(endOfWorkingDay([window], Date.parse('2026-03-27T09:00:00Z'))).toBe(
      Date.parse('2026-03-27T17:00:00Z'),
    );
    expect(endOfWorkingDay([window], Date.parse('2026-03-30T09:00:00Z'))).toBe(
      Date.parse('2026-03-30T16:00:00Z'),
    );
    expect(endOfWorkingDay([window], Date.parse('2026-03-28T09:00:00Z'))).toBeUndefined();
  });

  it('ends an overnight shift the next morning, and a window to midnight at midnight', () => {
    const night = {
      ...paris,
      timeZone: 'UTC',
      days: [...paris.days],
      startMinute: 22 * 60,
      endMinute: 6 * 60,
    };
    expect(endOfWorkingDay([night], Date.parse('2026-03-02T23:00:00Z'))).toBe(
      Date.parse('2026-03-03T06:00:00Z'),
    );
    expect(endOfWorkingDay([night], Date.parse('2026-03-03T05:00:00Z'))).toBe(
      Date.parse('2026-03-03T06:00:00Z'),
    );
    const evening = { ...night, startMinute: 18 * 60, endMinute: 1440 };
    expect(endOfWorkingDay([evening], Date.parse('2026-03-02T20:00:00Z'))).toBe(
      Date.parse('2026-03-03T00:00:00Z'),
    );
  });
});

describe('who may act on a pool from Slack', () => {
  const admins = new Set(['UADMIN1']);

  it('lets the owner act, matched by Slack user id or by email', () => {
    expect(authorizeSlackActor({ slackUser: 'U123' }, { userId: 'U123' }, admins)).toMatchObject({
      allowed: true,
      as: 'owner',
    });
    expect(authorizeSlackActor({ owner: 'U123' }, { userId: 'U123' }, admins)).toMatchObject({
      allowed: true,
    });
    expect(
      authorizeSlackActor(
        { email: 'Alice@Example.com' },
        { userId: 'U9', email: 'alice@example.com' },
        admins,
      ),
    ).toMatchObject({ allowed: true, matchedBy: 'email tag' });
  });

  it('lets an admin act on any pool, even one naming no owner', () => {
    expect(authorizeSlackActor({}, { userId: 'UADMIN1' }, admins)).toMatchObject({
      allowed: true,
      as: 'admin',
    });
  });

  it('refuses anyone else, naming who may act', () => {
    const refused = authorizeSlackActor(
      { slackUser: 'U123', email: 'alice@example.com' },
      { userId: 'U999', email: 'bob@example.com' },
      admins,
    );
    expect(refused).toEqual({
      allowed: false,
      reason: "only the pool's owner (<@U123>, alice@example.com) or a poolwarden admin may act on it",
    });
    expect(authorizeSlackActor({}, { userId: 'U999' }, admins)).toMatchObject({ allowed: false });
  });

  it('looks the email up only when it could change the answer', () => {
    expect(emailCouldAuthorize({ email: 'a@x' }, { userId: 'U1' }, admins)).toBe(true);
    expect(emailCouldAuthorize({ slackUser: 'U1', email: 'a@x' }, { userId: 'U1' }, admins)).toBe(false);
    expect(emailCouldAuthorize({ slackUser: 'U2' }, { userId: 'U1' }, admins)).toBe(false);
  });
});

describe('a Keep asked for in Slack passes the expected-cost check', () => {
  // The key's pools were reused 30 minutes after becoming Available, or never.
  const gaps = () =>
    Array.from({ length: 20 }, (_, i) => ({
      gapSeconds: i % 2 === 0 ? 1800 : 6 * 3600,
      reused: i % 2 === 0,
      atMs: NOW - (i + 1) * 3600_000,
    }));

  it('a cheap pool is kept: the click is evidence enough', () => {
    expect(planPoolButton(input('extend', { gaps })).kind).toBe('act');
  });

  it('an expensive cluster is not: no likely reuse pays for its idle price', () => {
    const plan = planPoolButton(
      input('keep-until-end-of-day', {
        gaps,
        pool: pool({ instanceType: 'ml.p4d.24xlarge', instanceCount: 4 }),
        pricePerInstanceHourUsd: 37.688,
      }),
    );
    expect(plan).toMatchObject({ kind: 'refuse' });
    expect(plan.kind === 'refuse' && plan.reason).toContain('not expected to pay');
  });

  it('without learned gaps the person decides, as before', () => {
    const plan = planPoolButton(
      input('extend', {
        pool: pool({ instanceType: 'ml.p4d.24xlarge', instanceCount: 4 }),
        pricePerInstanceHourUsd: 37.688,
      }),
    );
    expect(plan.kind).toBe('act');
  });
});
