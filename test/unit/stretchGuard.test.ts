import { describe, expect, it } from 'vitest';
import { StretchGuard } from '../../lib/app/stretchGuard';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('the guard over a period stretched past the longest', () => {
  it('reads the running jobs once per longest period during the stretch, and only then', () => {
    const guard = new StretchGuard();
    guard.granted(T0, 240 * MIN, 60 * MIN);
    expect(guard.checkDue(T0 + 59 * MIN)).toBe(false);
    expect(guard.checkDue(T0 + 60 * MIN)).toBe(true);
    expect(guard.nextCheckAtMs()).toBe(T0 + 60 * MIN);
    guard.checked(T0 + 61 * MIN, 240 * MIN);
    expect(guard.cutShort).toBe(false);
    expect(guard.nextCheckAtMs()).toBe(T0 + 121 * MIN);
    expect(guard.checkDue(T0 + 120 * MIN)).toBe(false);
    expect(guard.checkDue(T0 + 121 * MIN)).toBe(true);
    // Due by then: the reconcile itself comes.
    expect(guard.checkDue(T0 + 240 * MIN)).toBe(false);
  });

  it('cuts the stretch short when the running jobs allow less than granted, or cannot be read', () => {
    const dear = new StretchGuard();
    dear.granted(T0, 240 * MIN, 60 * MIN);
    dear.checked(T0 + 60 * MIN, 60 * MIN);
    expect(dear.cutShort).toBe(true);
    expect(dear.checkDue(T0 + 120 * MIN)).toBe(false);
    expect(dear.nextCheckAtMs()).toBeUndefined();
    const unknown = new StretchGuard();
    unknown.granted(T0, 240 * MIN, 60 * MIN);
    unknown.checked(T0 + 60 * MIN, undefined);
    expect(unknown.cutShort).toBe(true);
    // The next reconcile's grant starts afresh.
    unknown.granted(T0 + 75 * MIN, 60 * MIN, 60 * MIN);
    expect(unknown.cutShort).toBe(false);
  });

  it('watches nothing within the longest', () => {
    const guard = new StretchGuard();
    guard.granted(T0, 60 * MIN, 60 * MIN);
    expect(guard.nextCheckAtMs()).toBeUndefined();
    expect(guard.checkDue(T0 + 60 * MIN)).toBe(false);
    expect(guard.checkDue(T0 + 30 * MIN)).toBe(false);
  });

  it('takes in a stretch another container granted, as that container would watch it, and only once', () => {
    const fresh = new StretchGuard();
    // Learnt a minute into the stretch: the first read falls when the granting container's would.
    expect(fresh.learnt({ startedAtMs: T0, dueAtMs: T0 + 240 * MIN }, 60 * MIN)).toBe(true);
    expect(fresh.checkDue(T0 + MIN)).toBe(false);
    expect(fresh.nextCheckAtMs()).toBe(T0 + 60 * MIN);
    fresh.checked(T0 + 60 * MIN, 60 * MIN);
    expect(fresh.cutShort).toBe(true);
    // The same reconcile told again (or one this guard granted) leaves the guard as it is: a cut stays cut.
    expect(fresh.learnt({ startedAtMs: T0, dueAtMs: T0 + 240 * MIN }, 60 * MIN)).toBe(false);
    expect(fresh.cutShort).toBe(true);
    const own = new StretchGuard();
    own.granted(T0, 240 * MIN, 60 * MIN);
    expect(own.learnt({ startedAtMs: T0, dueAtMs: T0 + 240 * MIN }, 60 * MIN)).toBe(false);
    // Learnt late in the stretch: a read already due is made at once.
    const late = new StretchGuard();
    expect(late.learnt({ startedAtMs: T0, dueAtMs: T0 + 240 * MIN }, 60 * MIN)).toBe(true);
    expect(late.checkDue(T0 + 150 * MIN)).toBe(true);
    // A later reconcile within the longest replaces a stretch held from before: nothing to watch.
    expect(late.learnt({ startedAtMs: T0 + 160 * MIN, dueAtMs: T0 + 220 * MIN }, 60 * MIN)).toBe(false);
    expect(late.nextCheckAtMs()).toBeUndefined();
  });

  it('takes in a stretch the done of a reconcile wrote after the guard saw its claim (the same start, another due time)', () => {
    const guard = new StretchGuard();
    // Refused while that reconcile ran: its claim made the next due a base period on.
    expect(guard.learnt({ startedAtMs: T0, dueAtMs: T0 + 15 * MIN }, 60 * MIN)).toBe(false);
    // Its done then stretched the period to four hours.
    expect(guard.learnt({ startedAtMs: T0, dueAtMs: T0 + 240 * MIN }, 60 * MIN)).toBe(true);
    expect(guard.nextCheckAtMs()).toBe(T0 + 60 * MIN);
  });
});
