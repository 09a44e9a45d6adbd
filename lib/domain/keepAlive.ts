/**
 * The keep-alive rules: when a warm pool is expected to end. Every expiry poolwarden predicts
 * comes from this file.
 */
export interface KeepAliveLimits {
  /** Largest KeepAlivePeriodInSeconds one UpdateTrainingJob call may set (docs: 3600). */
  readonly perCallCapSeconds: number;
  /** Longest life of a pool handed from job to job (current docs: 28 days). */
  readonly lifetimeCapSeconds: number;
}

export const DEFAULT_KEEP_ALIVE_LIMITS: KeepAliveLimits = {
  perCallCapSeconds: 3600,
  lifetimeCapSeconds: 28 * 24 * 3600,
};

/**
 * The latest a pool may live: the lifetime cap counts from the birth of its chain (the first job
 * of its reuses), whatever keep-alive its later jobs ask for.
 */
export const lifetimeEndMs = (poolBornAtMs: number, limits: KeepAliveLimits): number =>
  poolBornAtMs + limits.lifetimeCapSeconds * 1000;

/**
 * A pool's predicted end as the ledger holds it, within the lifetime of the chain's birth it
 * knows: a prediction written before that birth was learnt (an end whose capping retry never
 * came) may run past it, and no pool outlives its chain.
 */
export const predictedEndMs = (
  pool: { readonly expiresAtMs?: number; readonly bornAtMs?: number },
  limits: KeepAliveLimits,
): number | undefined =>
  pool.expiresAtMs === undefined || pool.bornAtMs === undefined
    ? pool.expiresAtMs
    : Math.min(pool.expiresAtMs, lifetimeEndMs(pool.bornAtMs, limits));

/** A pool's first keep-alive runs from the end of the job that left it. */
export const expiryAfterJobEnd = (
  endedAtMs: number,
  keepAliveSeconds: number,
  poolBornAtMs: number,
  limits: KeepAliveLimits,
): number => Math.min(endedAtMs + keepAliveSeconds * 1000, lifetimeEndMs(poolBornAtMs, limits));

/**
 * ASSUMPTION (unconfirmed by any public source): a keep-alive set by UpdateTrainingJob counts
 * from the moment of the update, not from the job's end. The sweep records every pool that
 * ends earlier than this predicts, so the assumption can be checked against real accounts.
 */
export const expiryAfterUpdate = (
  updatedAtMs: number,
  keepAliveSeconds: number,
  poolBornAtMs: number,
  limits: KeepAliveLimits,
): number => Math.min(updatedAtMs + keepAliveSeconds * 1000, lifetimeEndMs(poolBornAtMs, limits));

/** Clamp a wished-for keep-alive to what one UpdateTrainingJob call may set. */
export const clampKeepAlive = (seconds: number, limits: KeepAliveLimits): number =>
  Math.max(0, Math.min(Math.floor(seconds), limits.perCallCapSeconds));
