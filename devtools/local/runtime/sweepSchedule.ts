import type { StandInSchedule } from '../scheduler/schedulerStandIn';
import { scheduledEvent } from './scheduledEvent';

/**
 * When the local stack runs the sweep.
 * - `next-event` (the default): as deployed. The functions ask for wakes (lib/app/sweepWakes.ts:
 *   after an event or a click that may change what a sweep sees, and at each sweep's end at the
 *   instants its report names), which the Scheduler stand-in keeps; the sweep runs when a wake comes
 *   due, and at the backstop's instants (every base reconcile period). A wake that comes due while
 *   a sweep is under way (reserved concurrency 1: Lambda throttles it) runs at the first minute after
 *   that sweep ended; several such wakes run as one sweep.
 * - `every-minute`: a sweep at each minute, as the deployment before the wakes ran (`rate(1
 *   minute)`): a sweep with no pool Available and nothing delivered since the last one changes
 *   nothing, but it still reads the Available index, and those requests are what this timing
 *   counts. The wakes are still asked for, and dropped as they come due.
 */
export type SweepTiming = 'next-event' | 'every-minute';

/** Where the wakes come from: the Scheduler stand-in. */
export interface WakeSource {
  nextDueAt(): number | undefined;
  takeDue(atMs: number): StandInSchedule[];
}

export class SweepSchedule {
  /** every-minute: the next minute to sweep at. */
  private nextMinuteMs: number;
  private nextBackstopMs: number;

  constructor(
    private readonly startMs: number,
    private readonly everyMs: number,
    private readonly timing: SweepTiming,
    /** The backstop schedule's period (the base reconcile period). */
    private readonly backstopEveryMs: number,
    private readonly wakes: WakeSource,
  ) {
    this.nextMinuteMs = startMs + everyMs;
    // A rate() schedule created without a StartDate is taken to invoke at once, then every period,
    // so the deployment's first sweep is the backstop's, at the run's first minute. ASSUMED: the
    // Scheduler's docs say only that a recurring schedule invokes on or after its StartDate; only
    // the first backstop instant of a run rests on it.
    this.nextBackstopMs = startMs + everyMs;
  }

  /**
   * The next instant the runner must stop at for a sweep, when none is under way (infinite: none
   * until something asks): never before `nowMs`'s minute, where what came due during a sweep runs.
   */
  nextAt(nowMs: number): number {
    const due =
      this.timing === 'every-minute'
        ? this.nextMinuteMs
        : Math.min(this.wakes.nextDueAt() ?? Number.POSITIVE_INFINITY, this.nextBackstopMs);
    return Number.isFinite(due) ? Math.max(due, this.gridAtOrAfter(nowMs)) : due;
  }

  /**
   * At an instant the runner stopped at with no sweep under way: the event of the sweep to run now,
   * or undefined. Every wake due by then fires (and is deleted) whatever the timing.
   */
  take(atMs: number): object | undefined {
    // Wakes and the backstop are on whole minutes: an event's instant between them runs no sweep.
    if ((atMs - this.startMs) % this.everyMs !== 0) return undefined;
    const fired = this.wakes.takeDue(atMs);
    if (this.timing === 'every-minute') {
      if (atMs < this.nextMinuteMs) return undefined;
      this.nextMinuteMs = this.gridAtOrAfter(atMs) + this.everyMs;
      return scheduledEvent(atMs);
    }
    let event: { readonly atMs: number; readonly body: object } | undefined;
    if (this.nextBackstopMs <= atMs) {
      event = { atMs: this.nextBackstopMs, body: scheduledEvent(this.nextBackstopMs) };
      while (this.nextBackstopMs <= atMs) this.nextBackstopMs += this.backstopEveryMs;
    }
    // The latest wake's event: its `time` is the instant it was due (a throttled one's is earlier).
    const wake = fired.at(-1);
    if (wake && (!event || wake.atMs >= event.atMs))
      event = { atMs: wake.atMs, body: JSON.parse(wake.input) as object };
    return event?.body;
  }

  private gridAtOrAfter(ms: number): number {
    return this.startMs + Math.ceil((ms - this.startMs) / this.everyMs) * this.everyMs;
  }
}
