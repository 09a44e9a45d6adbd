import { describe, expect, it } from 'vitest';
import { SweepSchedule } from '../../devtools/local/runtime/sweepSchedule';
import { SchedulerStandIn } from '../../devtools/local/scheduler/schedulerStandIn';
import { wakeExpression, wakeInput, wakeName } from '../../lib/adapters/scheduler/schedulerWakes';
import { scheduledAtMs } from '../../lib/events/scheduledEvent';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;
const GROUP = 'poolwarden-local';

/** A wake as the functions set it (adapters/scheduler/schedulerWakes.ts), straight to the stand-in. */
const setWake = (standIn: SchedulerStandIn, atMs: number) =>
  standIn.dispatch({
    method: 'POST',
    path: `/schedules/${wakeName(atMs)}`,
    headers: {},
    body: JSON.stringify({
      GroupName: GROUP,
      ScheduleExpression: wakeExpression(atMs),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: 'arn:sweep', RoleArn: 'arn:role', Input: wakeInput(atMs) },
    }),
  });

const scheduleWith = (timing: 'next-event' | 'every-minute') => {
  const standIn = new SchedulerStandIn('123456789012', 'us-east-1', [GROUP]);
  return { standIn, schedule: new SweepSchedule(T0, MIN, timing, 15 * MIN, standIn) };
};

const dueAt = (event: object | undefined) => scheduledAtMs(event);

describe('the local sweep schedule', () => {
  it('every minute: sweeps at each minute, wakes or not, and drops the wakes as they come due', () => {
    const { standIn, schedule } = scheduleWith('every-minute');
    expect(schedule.nextAt(T0)).toBe(at(1));
    expect(dueAt(schedule.take(at(1)))).toBe(at(1));
    setWake(standIn, at(3));
    expect(schedule.nextAt(at(1))).toBe(at(2));
    expect(dueAt(schedule.take(at(2)))).toBe(at(2));
    expect(dueAt(schedule.take(at(3)))).toBe(at(3));
    expect(standIn.nextDueAt()).toBeUndefined();
  });

  it('next-event: sweeps when a wake comes due, with the wake as its event, and at the backstop', () => {
    const { standIn, schedule } = scheduleWith('next-event');
    // Nothing asked: the backstop alone, at once (a rate() schedule starts when created), then every period.
    expect(schedule.nextAt(T0)).toBe(at(1));
    expect(dueAt(schedule.take(at(1)))).toBe(at(1));
    expect(schedule.nextAt(at(1))).toBe(at(16));
    setWake(standIn, at(4));
    expect(schedule.nextAt(at(1))).toBe(at(4));
    // An event's instant between minutes runs no sweep.
    expect(schedule.take(at(3) + 20_000)).toBeUndefined();
    expect(schedule.take(at(4))).toEqual(JSON.parse(wakeInput(at(4))));
    expect(schedule.nextAt(at(4))).toBe(at(16));
    expect(dueAt(schedule.take(at(16)))).toBe(at(16));
    expect(schedule.nextAt(at(16))).toBe(at(31));
  });

  it('next-event: a wake due while a sweep ran is throttled, and runs at the first minute after that sweep', () => {
    const { standIn, schedule } = scheduleWith('next-event');
    schedule.take(at(1)); // the backstop's first
    setWake(standIn, at(5));
    setWake(standIn, at(6));
    // The sweep of minute 4 waited within its invocation until past 6 (its catch-up listings).
    const ended = at(6) + 25_000;
    expect(schedule.nextAt(ended)).toBe(at(7));
    // Both run as one sweep, counted from the later wake's instant (Lambda retries its event as it was).
    expect(dueAt(schedule.take(at(7)))).toBe(at(6));
    expect(standIn.nextDueAt()).toBeUndefined();
  });
});
