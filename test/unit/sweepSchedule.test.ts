import { describe, expect, it } from 'vitest';
import { SweepSchedule, touchesPools } from '../../devtools/local/runtime/sweepSchedule';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;

describe('the local sweep schedule', () => {
  it('every minute: sweeps at each minute, pools or not, as deployed', () => {
    const schedule = new SweepSchedule(T0, MIN, 'every-minute', 5 * MIN);
    // No pool Available and nothing delivered: the deployed sweep still runs, and reads the index.
    expect(schedule.isDue(at(1))).toBe(true);
    schedule.swept(at(1), { availablePools: 0, nextChangeAtMs: Number.POSITIVE_INFINITY });
    expect(schedule.nextAt()).toBe(at(2));
    schedule.noteChange(at(1) + 30_000);
    expect(schedule.isDue(at(2))).toBe(true);
    schedule.swept(at(2), { availablePools: 1, nextChangeAtMs: at(9) });
    expect(schedule.nextAt()).toBe(at(3));
    expect(schedule.isDue(at(3))).toBe(true);
  });

  it('next-event: jumps to the instant the sweep named, or sooner when its statistics go stale', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    expect(schedule.nextAt()).toBe(at(1));
    expect(schedule.isDue(at(1))).toBe(false);
    expect(schedule.nextAt()).toBe(Number.POSITIVE_INFINITY);
    schedule.noteChange(at(3) + 1);
    expect(schedule.nextAt()).toBe(at(4));
    expect(schedule.isDue(at(4))).toBe(true);
    schedule.swept(at(4), { availablePools: 2, nextChangeAtMs: at(7) });
    expect(schedule.nextAt()).toBe(at(7));
    expect(schedule.isDue(at(7))).toBe(true);
    schedule.swept(at(7), { availablePools: 2, nextChangeAtMs: at(30) });
    // What the sweep at 4 read goes stale at 9, though that sweep named 7: a sweep every minute reads it again there.
    expect(schedule.nextAt()).toBe(at(9));
    expect(schedule.isDue(at(9))).toBe(true);
    schedule.swept(at(9), { availablePools: 2, nextChangeAtMs: at(30) });
    expect(schedule.nextAt()).toBe(at(12));
  });

  it('next-event: an event that told no pool fact brings no sweep forward', () => {
    const quiet: ProcessOutcome = {
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
    expect(touchesPools(quiet)).toBe(false);
    expect(
      touchesPools({ kind: 'rejected', rejection: { eventId: 'e', field: 'detail', message: 'bad' } }),
    ).toBe(false);
    expect(touchesPools(pool)).toBe(true);
    // A stale event's reuse facts are not reported: it may have linked one.
    expect(touchesPools({ kind: 'stale', job: 'j' })).toBe(true);

    // Such an event is not noted at all (runLocal): the next sweep stays where the last one named.
    const nextEvent = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    nextEvent.noteChange(at(1));
    expect(nextEvent.isDue(at(1))).toBe(true);
    nextEvent.swept(at(1), { availablePools: 1, nextChangeAtMs: at(4) });
    expect(nextEvent.nextAt()).toBe(at(4));
  });

  it('next-event: a wake named by an earlier sweep still stands after a later sweep', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    schedule.noteChange(at(1));
    expect(schedule.isDue(at(1))).toBe(true);
    schedule.swept(at(1), { availablePools: 1, nextChangeAtMs: at(40) }); // stale at 6
    schedule.noteChange(at(3));
    expect(schedule.isDue(at(3))).toBe(true);
    schedule.swept(at(3), { availablePools: 1, nextChangeAtMs: at(40) }); // stale at 8
    expect(schedule.nextAt()).toBe(at(6));
    expect(schedule.isDue(at(6))).toBe(true);
    schedule.swept(at(6), { availablePools: 1, nextChangeAtMs: at(40) });
    expect(schedule.nextAt()).toBe(at(8));
  });

  it('next-event: what a sweep read goes stale on time even when the instant it named came first', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    schedule.noteChange(at(1));
    expect(schedule.isDue(at(1))).toBe(true);
    schedule.swept(at(1), { availablePools: 1, nextChangeAtMs: at(3) }); // read at 1: stale at 6
    expect(schedule.nextAt()).toBe(at(3));
    expect(schedule.isDue(at(3))).toBe(true);
    // Nothing was read again at 3 (still fresh): a sweep every minute reads it again at 6.
    schedule.swept(at(3), { availablePools: 1, nextChangeAtMs: at(40) });
    expect(schedule.nextAt()).toBe(at(6));
  });

  it('next-event: a sweep that read nothing again wakes when what its container holds goes stale, not 5 minutes on', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    schedule.noteChange(at(1));
    expect(schedule.isDue(at(1))).toBe(true);
    schedule.swept(at(1), { availablePools: 1, nextChangeAtMs: at(40), statsFreshUntilMs: at(6) });
    schedule.noteChange(at(3));
    expect(schedule.isDue(at(3))).toBe(true);
    // Everything it read was read at 1: no wake at 8 of its own.
    schedule.swept(at(3), { availablePools: 1, nextChangeAtMs: at(40), statsFreshUntilMs: at(6) });
    expect(schedule.nextAt()).toBe(at(6));
    expect(schedule.isDue(at(6))).toBe(true);
    schedule.swept(at(6), { availablePools: 1, nextChangeAtMs: at(40), statsFreshUntilMs: at(11) });
    expect(schedule.nextAt()).toBe(at(11));
  });

  it('next-event: a change after the instant was decided waits for the next minute; none with no pool', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN);
    expect(schedule.isDue(at(1))).toBe(false);
    schedule.noteChange(at(2));
    expect(schedule.isDue(at(2))).toBe(true);
    schedule.swept(at(2), { availablePools: 0, nextChangeAtMs: at(3) });
    expect(schedule.nextAt()).toBe(Number.POSITIVE_INFINITY);
    schedule.noteChange(at(2)); // a click during the same instant, after its sweep
    expect(schedule.nextAt()).toBe(at(3));
  });

  it('next-event: with no pool, the next reconcile comes when the last one said, a base period on when it said nothing', () => {
    const schedule = new SweepSchedule(T0, MIN, 'next-event', 5 * MIN, 15 * MIN);
    schedule.noteChange(at(0) + 1);
    expect(schedule.isDue(at(1))).toBe(true);
    // A quiet reconcile doubled the period.
    schedule.swept(at(1), {
      availablePools: 0,
      nextChangeAtMs: at(2),
      listed: true,
      nextReconcileAtMs: at(31),
    });
    expect(schedule.nextAt()).toBe(at(31));
    expect(schedule.isDue(at(31))).toBe(true);
    schedule.swept(at(31), { availablePools: 0, nextChangeAtMs: at(32), listed: true });
    expect(schedule.nextAt()).toBe(at(46));
  });
});
