import { TransitionQueue } from '../sagemaker/transitionQueue';
import { Random } from '../trace/random';

/**
 * What EventBridge may do to an event on its way to a target: deliver it more than once and
 * late, hence out of order. Seeded, so a chaotic run can be replayed exactly.
 */
export interface ChaosOptions {
  readonly seed: number;
  /** Chance that an event is delivered more than once. */
  readonly duplicateProbability: number;
  readonly maxExtraCopies: number;
  /** Each copy is delayed by up to this much, independently: that is what reorders events. */
  readonly maxDelaySeconds: number;
}

export const DEFAULT_CHAOS: Omit<ChaosOptions, 'seed'> = {
  duplicateProbability: 0.3,
  maxExtraCopies: 2,
  maxDelaySeconds: 600,
};

export interface BusStats {
  readonly published: number;
  readonly delivered: number;
  readonly extraCopies: number;
}

/** An EventBridge-like bus in virtual time: events published now are delivered when due. */
export class LocalEventBus<E> {
  private readonly queue = new TransitionQueue<E>();
  private readonly random: Random | undefined;
  private published = 0;
  private delivered = 0;
  private extraCopies = 0;

  constructor(private readonly chaos?: ChaosOptions) {
    this.random = chaos ? new Random(chaos.seed) : undefined;
  }

  publish(event: E, atMs: number): void {
    this.published++;
    if (!this.chaos || !this.random) {
      this.queue.schedule(atMs, event);
      return;
    }
    const copies =
      1 +
      (this.random.chance(this.chaos.duplicateProbability)
        ? this.random.int(1, this.chaos.maxExtraCopies)
        : 0);
    this.extraCopies += copies - 1;
    for (let i = 0; i < copies; i++) {
      this.queue.schedule(
        atMs + Math.round(this.random.between(0, this.chaos.maxDelaySeconds) * 1000),
        event,
      );
    }
  }

  nextDueAt(): number | undefined {
    return this.queue.nextDueAt();
  }

  /** Removes and returns the next delivery due at or before `ms`. */
  takeDue(ms: number): E | undefined {
    const entry = this.queue.popDue(ms);
    if (entry) this.delivered++;
    return entry?.item;
  }

  stats(): BusStats {
    return { published: this.published, delivered: this.delivered, extraCopies: this.extraCopies };
  }
}
