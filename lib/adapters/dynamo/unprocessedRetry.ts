import { type Clock, systemClock } from '../../ports/clock';
import type { Pause } from '../../ports/pause';
import { timerPause } from '../time/timerPause';

/**
 * How a batch request asks again for what DynamoDB left unprocessed (throttling, a partition
 * over its throughput): AWS's guidance is exponential backoff between rounds. Full jitter, so
 * that sweeps and handlers throttled together do not come back together.
 */
export interface UnprocessedRetry {
  readonly clock: Clock;
  readonly pause: Pause;
  /** A number in [0, 1): the share of each round's longest wait that is waited. */
  readonly random: () => number;
  /** The longest wait before the first retry; it doubles each round up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  /** Rounds asked again before giving up with UnprocessedKeysError. */
  readonly retries: number;
}

/**
 * 50 ms doubling to 1.6 s over 8 retries: at most about 5 s in all (2.6 s expected), within a
 * sweep's safety margin, and enough for the on-demand throttling of a burst to pass.
 */
export const DEFAULT_UNPROCESSED_RETRY: UnprocessedRetry = {
  clock: systemClock,
  pause: timerPause(systemClock),
  random: Math.random,
  baseMs: 50,
  capMs: 1_600,
  retries: 8,
};

/** DynamoDB still left keys unprocessed after every retry: the read did not happen, whole. */
export class UnprocessedKeysError extends Error {
  constructor(
    readonly table: string,
    readonly unprocessed: number,
    readonly rounds: number,
  ) {
    super(
      `DynamoDB left ${unprocessed} keys of table ${table} unprocessed after ${rounds} rounds of BatchGetItem`,
    );
    this.name = 'UnprocessedKeysError';
  }
}

/** Waits before retry `round` (1 for the first retry): a random share of base × 2^(round-1), capped. */
export const pauseBeforeRetry = (retry: UnprocessedRetry, round: number): Promise<void> => {
  const longestMs = Math.min(retry.capMs, retry.baseMs * 2 ** (round - 1));
  return retry.pause.until(retry.clock.now() + retry.random() * longestMs);
};
