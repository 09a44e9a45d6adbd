import type { Clock } from '../../../lib/ports/clock';

/** The local stack's time: it moves only when the runner moves it, and never backwards. */
export class VirtualClock implements Clock {
  constructor(private ms: number) {}

  now(): number {
    return this.ms;
  }

  advanceTo(ms: number): void {
    if (ms < this.ms) throw new RangeError(`virtual time cannot go back from ${this.ms} to ${ms}`);
    this.ms = ms;
  }
}
