/**
 * The cost model: the one place that says what warm pools cost. The policy, the simulation and
 * `whatif`, the benchmark, the local stack's summary and the reports all price with it.
 *
 * Keeping an idle pool is renting, a cold start is buying (ski rental): the idle price per second
 * is the rent; one cold start costs the extra start-up time of the cluster (instances × price) plus
 * what the person waiting for it is worth.
 *
 *   total = idle billable instance-seconds × price
 *         + cold starts × penalty seconds × (instances × price + waiting value)
 */
export interface PoolCosts {
  /** USD per second of idling: price per instance-hour × instance count / 3600. */
  readonly idleUsdPerSecond: number;
  /** USD of one cold start: cold-start seconds × (cluster price per second + waiting value per second). */
  readonly coldStartUsd: number;
}

export interface CostInputs {
  readonly pricePerInstanceHourUsd: number;
  readonly instanceCount: number;
  /** How much longer a cold start takes than a warm one. */
  readonly coldStartSeconds: number;
  readonly waitingValuePerHourUsd: number;
}

/**
 * The cold-start penalty the benchmark, `whatif` and the local summary charge: the emulator's
 * P90 start-up on a new cluster (143 s) less the one on a warm pool (21 s), from the seed article.
 */
export const COLD_START_PENALTY_SECONDS = 122;

export const poolCosts = (input: CostInputs): PoolCosts => {
  const idleUsdPerSecond = (input.pricePerInstanceHourUsd * input.instanceCount) / 3600;
  return {
    idleUsdPerSecond,
    coldStartUsd: input.coldStartSeconds * (idleUsdPerSecond + input.waitingValuePerHourUsd / 3600),
  };
};

/**
 * Idle seconds after which the rent paid equals one purchase. Stopping there costs at most twice
 * what an oracle that knew the next arrival would pay (deterministic ski rental is 2-competitive).
 */
export const breakEvenSeconds = (costs: PoolCosts): number =>
  costs.idleUsdPerSecond > 0 ? costs.coldStartUsd / costs.idleUsdPerSecond : Number.POSITIVE_INFINITY;

/** What a run cost, split as every table shows it. */
export interface CostBreakdown {
  readonly idleUsd: number;
  /** Extra start-up time of cold starts × cluster price. */
  readonly coldStartUsd: number;
  /** Extra start-up time of cold starts × the value of waiting. */
  readonly waitingUsd: number;
  readonly totalUsd: number;
}

/** Adds up costs as they happen: idle time of pools, and cold starts. */
export class CostMeter {
  idleInstanceSeconds = 0;
  idleUsd = 0;
  coldStarts = 0;
  coldStartUsd = 0;
  waitingUsd = 0;

  constructor(
    private readonly waitingValuePerHourUsd: number,
    private readonly penaltySeconds: number = COLD_START_PENALTY_SECONDS,
  ) {}

  idle(seconds: number, instanceCount: number, pricePerInstanceHourUsd: number): void {
    this.idleInstanceSeconds += seconds * instanceCount;
    this.idleUsd += (seconds * instanceCount * pricePerInstanceHourUsd) / 3600;
  }

  coldStart(instanceCount: number, pricePerInstanceHourUsd: number): void {
    this.coldStarts++;
    this.coldStartUsd += (this.penaltySeconds * instanceCount * pricePerInstanceHourUsd) / 3600;
    this.waitingUsd += (this.penaltySeconds * this.waitingValuePerHourUsd) / 3600;
  }

  breakdown(): CostBreakdown {
    return {
      idleUsd: this.idleUsd,
      coldStartUsd: this.coldStartUsd,
      waitingUsd: this.waitingUsd,
      totalUsd: this.idleUsd + this.coldStartUsd + this.waitingUsd,
    };
  }
}
