import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { EventQueue } from '../../devtools/sim/eventQueue';
import { type SimDecision, type SimPolicy, simulate } from '../../devtools/sim/keepAliveSim';
import { prepareJobs } from '../../devtools/sim/simJobs';
import { simPolicy } from '../../devtools/sim/simPolicy';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { StrategyName } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { TraceJob } from '../../lib/trace/traceJob';
import { sampleTraceJob } from '../support/sampleTraceJob';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const PRICE = DEFAULT_PRICES['ml.g5.xlarge'] ?? 0;
const PER_SECOND = PRICE / 3600;

const job = sampleTraceJob;

/** Job a ends at T0 + 143 s (cold) + 100 s; b comes `gapSeconds` after that. */
const pair = (gapSeconds: number, extra: Partial<TraceJob> = {}) => {
  const aEnd = T0 + (143 + 100) * 1000;
  return prepareJobs([job('a', T0, 100, extra), job('b', aEnd + gapSeconds * 1000, 100)], {
    prices: DEFAULT_PRICES,
  });
};

const learned = (strategy: StrategyName, waiting = 0): SimPolicy => ({
  kind: 'sweep',
  setup: {
    policy: simPolicy({ strategy, coldStartSeconds: 122, waitingValuePerHourUsd: waiting }),
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    killSwitch: false,
    prices: DEFAULT_PRICES,
  },
});

describe('the event queue', () => {
  it('pops by time, then rank, then insertion order', () => {
    const queue = new EventQueue<{ atMs: number; rank: number; id: string }>();
    for (const [atMs, rank, id] of [
      [5, 1, 'c'],
      [1, 2, 'b'],
      [1, 0, 'a'],
      [5, 1, 'd'],
      [3, 0, 'x'],
    ] as const) {
      queue.push({ atMs, rank, id });
    }
    const order: string[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) order.push(e.id);
    expect(order).toEqual(['a', 'b', 'x', 'c', 'd']);
  });
});

describe('the keep-alive simulation', () => {
  it('without warm pools, starts every job cold and idles nothing', () => {
    const result = simulate(pair(60), { kind: 'none' });
    expect(result).toMatchObject({ warmStarts: 0, coldStarts: 2, idleUsd: 0 });
    expect(result.coldStartUsd).toBeCloseTo(2 * 122 * PER_SECOND, 9);
  });

  it('with a fixed keep-alive, reuses a pool within it and bills the idle gap', () => {
    const result = simulate(pair(300), { kind: 'fixed', seconds: 600 });
    expect(result).toMatchObject({ warmStarts: 1, coldStarts: 1, poolsCreated: 2 });
    // 300 s until b takes the pool, then b's own 600 s run out unused.
    expect(result.idleInstanceSeconds).toBeCloseTo(900, 6);
    expect(result.totalUsd).toBeCloseTo(900 * PER_SECOND + 122 * PER_SECOND, 9);
  });

  it('lets a pool expire when the next job comes after the keep-alive', () => {
    const result = simulate(pair(900), { kind: 'fixed', seconds: 600 });
    expect(result).toMatchObject({ warmStarts: 0, coldStarts: 2 });
    expect(result.idleInstanceSeconds).toBeCloseTo(1200, 6);
  });

  it('adds the value of waiting to each cold start', () => {
    const result = simulate(pair(900), { kind: 'none' }, { waitingValuePerHourUsd: 60 });
    expect(result.waitingUsd).toBeCloseTo((2 * 122 * 60) / 3600, 9);
  });

  it('gives no pool after a service-side failure', () => {
    const jobs = pair(60, { outcome: 'Failed', failureReason: 'InternalServerError: boom' });
    expect(simulate(jobs, { kind: 'fixed', seconds: 600 })).toMatchObject({ warmStarts: 0, poolsCreated: 1 });
  });

  it('the oracle keeps a pool exactly until the next job when that beats a cold start', () => {
    const kept = simulate(pair(100), { kind: 'oracle' });
    expect(kept).toMatchObject({ warmStarts: 1, coldStarts: 1 });
    expect(kept.idleInstanceSeconds).toBeCloseTo(100, 6);
  });

  it('the oracle releases at once when idling to the next job costs more than a cold start', () => {
    const released = simulate(pair(200), { kind: 'oracle' });
    expect(released).toMatchObject({ warmStarts: 0, coldStarts: 2, idleInstanceSeconds: 0 });
    // With a person's waiting worth $60/h a cold start costs more, so the same gap is worth idling.
    const kept = simulate(pair(200), { kind: 'oracle' }, { waitingValuePerHourUsd: 60 });
    expect(kept.warmStarts).toBe(1);
  });

  it('break-even, through evaluatePool at sweep minutes, stops a pool at the first sweep past 122 s', () => {
    const result = simulate(
      prepareJobs([job('a', T0, 100)], { prices: DEFAULT_PRICES }),
      learned('break-even'),
    );
    // a ends at T0 + 243 s; break-even at T0 + 365 s; the sweep after that runs at T0 + 420 s.
    expect(result).toMatchObject({ updates: 1, poolsCreated: 1 });
    expect(result.idleInstanceSeconds).toBeCloseTo(420 - 243, 6);
  });

  const trace = prepareJobs(
    generateTrace({ seed: 11, start: '2026-01-05T00:00:00Z', days: 10, workload: 'interactive' }),
    { prices: DEFAULT_PRICES },
  );

  it('decides online: every decision sees only gap samples recorded before it, and on the built-in prior with none', () => {
    const decisions: SimDecision[] = [];
    simulate(trace, learned('adaptive', 60), {
      waitingValuePerHourUsd: 60,
      onDecision: (d) => decisions.push(d),
    });
    expect(decisions.length).toBeGreaterThan(100);
    for (const d of decisions) {
      if (d.newestSampleAtMs !== undefined) expect(d.newestSampleAtMs).toBeLessThanOrEqual(d.nowMs);
    }
    expect(decisions[0]?.samples).toBe(0);
    expect(decisions.some((d) => d.samples >= 8)).toBe(true);
    const strategyStops = decisions.filter((d) => d.samples === 0 && d.cause === 'strategy');
    expect(strategyStops.length).toBeGreaterThan(0);
    expect(strategyStops.every((d) => d.reason.includes('from the built-in prior'))).toBe(true);
  });

  it('is deterministic', () => {
    const policy = learned('adaptive', 60);
    expect(simulate(trace, policy, { waitingValuePerHourUsd: 60 })).toEqual(
      simulate(trace, policy, { waitingValuePerHourUsd: 60 }),
    );
  });

  it('decides alike whether or not it writes the reasons (only onDecision reads them)', () => {
    for (const strategy of ['adaptive', 'break-even', 'hybrid-histogram'] as const) {
      const policy = learned(strategy, 60);
      const reasons: string[] = [];
      const told = simulate(trace, policy, {
        waitingValuePerHourUsd: 60,
        onDecision: (d) => {
          reasons.push(d.reason);
        },
      });
      expect(reasons.length).toBeGreaterThan(0);
      expect(reasons.every((reason) => reason.length > 0)).toBe(true);
      expect(simulate(trace, policy, { waitingValuePerHourUsd: 60 })).toEqual(told);
    }
  });

  it('counts every job once, warm or cold', () => {
    for (const policy of [
      { kind: 'none' } as const,
      { kind: 'fixed', seconds: 1800 } as const,
      { kind: 'oracle' } as const,
      learned('hybrid-histogram'),
    ]) {
      const result = simulate(trace, policy);
      expect(result.warmStarts + result.coldStarts).toBe(trace.length);
    }
  });
});

describe('learning that cannot trap itself', () => {
  // One key on ml.p4d.24xlarge. First 3-hour gaps: the policy learns to stop at once. Then the
  // workload changes to a job every 6 minutes (gaps of about 3 minutes), where keeping pays.
  const p4d = { instanceType: 'ml.p4d.24xlarge' };
  const slow = Array.from({ length: 12 }, (_, i) => job(`slow-${i}`, T0 + i * 3 * 3600_000, 60, p4d));
  const fastFrom = T0 + 12 * 3 * 3600_000 + 25_000;
  const fast = Array.from({ length: 40 }, (_, i) =>
    job(`fast-${i}`, fastFrom + i * 6 * 60_000 + (i % 3) * 7_000, 60, p4d),
  );
  const jobs = prepareJobs([...slow, ...fast], { prices: DEFAULT_PRICES });
  const warmAmongFast = (learnMissedReuses: boolean) =>
    simulate(jobs, learned('adaptive', 90), { waitingValuePerHourUsd: 90, learnMissedReuses });

  it('recovers from a run of stop-at-once decisions: the next cold start tells the missed gap', () => {
    const trapped = warmAmongFast(false);
    const recovered = warmAmongFast(true);
    expect(trapped.warmStarts).toBe(0);
    expect(recovered.warmStarts).toBeGreaterThan(25);
    expect(recovered.totalUsd).toBeLessThan(trapped.totalUsd);
  });
});

describe('the replay ranks pools of one match key as the sweep does', () => {
  it('tells each decision where its pool stands among the Available pools of its key, as they are then', () => {
    // A history of reuses 15 minutes apart, then two jobs of the key at once: two pools idle together.
    const history = Array.from({ length: 6 }, (_, i) => job(`h${i}`, T0 + i * 15 * 60_000, 300));
    const twinsAt = T0 + 6 * 15 * 60_000;
    const jobs = prepareJobs([...history, job('x', twinsAt, 300), job('y', twinsAt, 300)], {
      prices: DEFAULT_PRICES,
    });
    const stops: SimDecision[] = [];
    simulate(jobs, learned('adaptive', 60), {
      waitingValuePerHourUsd: 60,
      onDecision: (d) => {
        if (d.action === 'stop') stops.push(d);
      },
    });
    // x is released first, past every gap seen (same expiry, same Available time, first by id),
    // with y still Available behind it; then y, by then alone (at that minute or a little later:
    // alone, the built-in prior's little mass of later reuses may be worth a minute or two).
    const x = stops.find((d) => d.job === 'x');
    const y = stops.find((d) => d.job === 'y');
    expect(x?.reason).toContain('rank 1 of 2 Available pools of this key');
    expect(y?.nowMs).toBeGreaterThanOrEqual(x?.nowMs ?? Number.POSITIVE_INFINITY);
    expect(y?.reason).not.toContain('Available pools of this key');
    expect(
      stops.filter((d) => d.job.startsWith('h')).every((d) => !d.reason.includes('pools of this key')),
    ).toBe(true);
  });
});
