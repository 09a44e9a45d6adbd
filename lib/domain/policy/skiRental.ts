/**
 * Keeping an idle pool is renting, a cold start is buying: the idle price per second is the
 * rent, one cold start (the cluster's time while it starts, plus whatever a person waiting for it
 * is worth) is the price of buying. All strategies compare these two numbers.
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
  readonly coldStartSeconds: number;
  readonly waitingValuePerHourUsd: number;
}

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
