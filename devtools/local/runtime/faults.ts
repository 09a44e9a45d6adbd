import { Random } from '../trace/random';

/** Shares of deliveries, invocations and SageMaker calls that go wrong on purpose. */
export interface FaultRates {
  /** Event deliveries lost entirely (start and end events alike). */
  readonly drop: number;
  /** Function invocations that die after their first DynamoDB write; Lambda retries them. */
  readonly crash: number;
  /** SageMaker calls answered with ThrottlingException. */
  readonly throttle: number;
}

export const NO_FAULTS: FaultRates = { drop: 0, crash: 0, throttle: 0 };

export interface FaultCounts {
  readonly dropped: number;
  readonly crashed: number;
  readonly throttled: number;
}

/**
 * Seeded fault injection for the local stack: each kind draws from its own stream of the
 * seed, so turning one on leaves the others' choices unchanged and a run replays exactly.
 */
export class Faults {
  private readonly dropRandom: Random;
  private readonly crashRandom: Random;
  private readonly throttleRandom: Random;
  private armed = false;
  private tripped = false;
  private counts = { dropped: 0, crashed: 0, throttled: 0 };

  constructor(
    readonly rates: FaultRates,
    seed: number,
  ) {
    for (const [kind, rate] of Object.entries(rates)) {
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
        throw new RangeError(`the ${kind} rate must be between 0 and 1, got ${rate}`);
      }
    }
    this.dropRandom = Random.derive(seed, 'drop');
    this.crashRandom = Random.derive(seed, 'crash');
    this.throttleRandom = Random.derive(seed, 'throttle');
  }

  dropsDelivery(): boolean {
    const drop = this.rates.drop > 0 && this.dropRandom.chance(this.rates.drop);
    if (drop) this.counts.dropped++;
    return drop;
  }

  throttlesCall(): boolean {
    const throttle = this.rates.throttle > 0 && this.throttleRandom.chance(this.rates.throttle);
    if (throttle) this.counts.throttled++;
    return throttle;
  }

  /** Runs one invocation; a drawn crash makes every DynamoDB call after its first write fail. */
  async invoke<T>(run: () => Promise<T>): Promise<T> {
    this.armed = this.rates.crash > 0 && this.crashRandom.chance(this.rates.crash);
    this.tripped = false;
    try {
      return await run();
    } finally {
      if (this.tripped) this.counts.crashed++;
      this.armed = false;
      this.tripped = false;
    }
  }

  /** The invocation has died: nothing it sends reaches DynamoDB any more. */
  isDead(): boolean {
    return this.tripped;
  }

  /** A DynamoDB write went through: an armed invocation dies now. */
  wrote(): void {
    if (this.armed) this.tripped = true;
  }

  stats(): FaultCounts {
    return { ...this.counts };
  }
}
