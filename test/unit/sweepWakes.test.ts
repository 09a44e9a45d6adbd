import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';
import {
  clickCallsForSweep,
  nextWakeAfter,
  type SweepWakeReport,
  sweepWakeInstants,
  touchesPools,
  wakeFor,
} from '../../lib/app/sweepWakes';
import type { JobRecord } from '../../lib/domain/jobRecord';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;
const SETTINGS = { statsFreshMs: 5 * MIN, reconcileEveryMs: 15 * MIN };

const report = (over: Partial<SweepWakeReport> = {}): SweepWakeReport => ({
  availablePools: 0,
  presumed: 0,
  watching: 0,
  nextChangeAtMs: Number.POSITIVE_INFINITY,
  listed: false,
  ...over,
});

describe('the sweep wake rules', () => {
  it('a wake is on the next whole minute strictly after now: one for the current minute would be late', () => {
    expect(nextWakeAfter(at(7))).toBe(at(8));
    expect(nextWakeAfter(at(7) + 1)).toBe(at(8));
    expect(nextWakeAfter(at(8) - 1)).toBe(at(8));
    // Rounded up to a whole minute, never before the next one.
    expect(wakeFor(at(9) + 1, at(7))).toBe(at(10));
    expect(wakeFor(at(3), at(7) + 5_000)).toBe(at(8));
  });

  it('an event calls for a sweep when it told a pool fact or was stale, not for a start alone', () => {
    const started: ProcessOutcome = {
      kind: 'applied',
      job: 'j',
      facts: [{ kind: 'job-started', job: { name: 'j' } }],
    };
    const pool: ProcessOutcome = {
      kind: 'applied',
      job: 'j',
      facts: [
        { kind: 'job-ended', job: { name: 'j' } },
        { kind: 'pool-available', job: { name: 'j' } },
      ],
    };
    expect(touchesPools(started)).toBe(false);
    expect(
      touchesPools({ kind: 'rejected', rejection: { eventId: 'e', field: 'detail', message: 'bad' } }),
    ).toBe(false);
    expect(touchesPools(pool)).toBe(true);
    // A stale event's reuse facts are not reported: it may have linked one.
    expect(touchesPools({ kind: 'stale', job: 'j' })).toBe(true);
  });

  it('a reuse calls for a sweep only when its key has a pool left that moved up in line', () => {
    const rival = { name: 'rival', pool: { status: 'Available' as const, observedAtMs: 0 } };
    const taken = {
      name: 'taken',
      pool: { status: 'Available' as const, observedAtMs: 0, presumedTakenBy: 'other' },
    };
    const reuse = (sameKeyLeft?: readonly JobRecord[]): ProcessOutcome => ({
      kind: 'applied',
      job: 'j',
      facts: [
        { kind: 'job-started', job: { name: 'j' } },
        { kind: 'pool-reused', fromJob: { name: 'p' }, toJob: 'j', ...(sameKeyLeft ? { sameKeyLeft } : {}) },
      ],
    });
    expect(touchesPools(reuse([]))).toBe(false);
    expect(touchesPools(reuse([taken]))).toBe(false);
    expect(touchesPools(reuse([taken, rival]))).toBe(true);
    // The handling did not read the key: there may be rivals.
    expect(touchesPools(reuse())).toBe(true);
  });

  it('a click calls for a sweep unless it wrote nothing a sweep reads', () => {
    for (const kind of ['acted', 'pending', 'failed', 'not-available'] as const)
      expect(clickCallsForSweep({ kind })).toBe(true);
    for (const kind of ['duplicate', 'unknown-job', 'unauthorized', 'refused'] as const)
      expect(clickCallsForSweep({ kind })).toBe(false);
  });

  it('a sweep with pools asks for its next change and for when its statistics go stale', () => {
    const wakes = sweepWakeInstants(
      report({ availablePools: 2, nextChangeAtMs: at(9), statsFreshUntilMs: at(4) + 30_000 }),
      at(0),
      at(0) + 20_000,
      SETTINGS,
    );
    expect(wakes).toEqual([at(5), at(9)]);
    // Without a staleness instant of its own: the cache's period from when the sweep was due.
    expect(sweepWakeInstants(report({ availablePools: 1 }), at(0), at(0), SETTINGS)).toEqual([at(5)]);
  });

  it('a sweep with no pool, or only pools presumed taken, asks for its listings alone', () => {
    expect(
      sweepWakeInstants(report({ nextChangeAtMs: at(3), statsFreshUntilMs: at(5) }), at(0), at(0), SETTINGS),
    ).toEqual([]);
    expect(
      sweepWakeInstants(
        report({ availablePools: 1, presumed: 1, nextChangeAtMs: at(3) }),
        at(0),
        at(0),
        SETTINGS,
      ),
    ).toEqual([]);
    // A watched job keeps the wakes as a pool does.
    expect(sweepWakeInstants(report({ watching: 1, nextChangeAtMs: at(3) }), at(0), at(0), SETTINGS)).toEqual(
      [at(3), at(5)],
    );
    // While end events run late: the next listing; after a reconcile, the next one.
    expect(
      sweepWakeInstants(report({ nextListAtMs: at(1), listed: true }), at(0), at(0) + 50_000, SETTINGS),
    ).toEqual([at(1), at(15)]);
    expect(
      sweepWakeInstants(report({ listed: true, nextReconcileAtMs: at(60) }), at(0), at(0), SETTINGS),
    ).toEqual([at(60)]);
  });

  it('a sweep that ended late asks for nothing before the next minute, and names each minute once', () => {
    expect(
      sweepWakeInstants(
        report({ availablePools: 1, nextChangeAtMs: at(1), statsFreshUntilMs: at(1), nextListAtMs: at(1) }),
        at(0),
        at(1) + 10_000,
        SETTINGS,
      ),
    ).toEqual([at(2)]);
  });
});
