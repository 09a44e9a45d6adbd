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

/**
 * DynamoDB still left keys (or items) unprocessed after every retry: the batch did not happen,
 * whole. A write is safe to repeat: each is a put of the item as a whole.
 */
export class UnprocessedKeysError extends Error {
  constructor(
    readonly table: string,
    readonly unprocessed: number,
    readonly rounds: number,
    readonly operation: 'BatchGetItem' | 'BatchWriteItem' = 'BatchGetItem',
  ) {
    super(
      `DynamoDB left ${unprocessed} ${operation === 'BatchGetItem' ? 'keys' : 'items'} of table ${table} unprocessed after ${rounds} rounds of ${operation}`,
    );
    this.name = 'UnprocessedKeysError';
  }
}

/** Waits before retry `round` (1 for the first retry): a random share of base × 2^(round-1), capped. */
export const pauseBeforeRetry = (retry: UnprocessedRetry, round: number): Promise<void> => {
  const longestMs = Math.min(retry.capMs, retry.baseMs * 2 ** (round - 1));
  return retry.pause.until(retry.clock.now() + retry.random() * longestMs);
};

/**
 * Sends a batch, then what each answer left unprocessed, after a backoff, until nothing is left;
 * after `retry.retries` retries, UnprocessedKeysError. `send` returns what was left.
 */
export const sendUntilProcessed = async <T>(
  retry: UnprocessedRetry,
  table: string,
  operation: 'BatchGetItem' | 'BatchWriteItem',
  batch: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[] | undefined>,
): Promise<void> => {
  let pending: readonly T[] | undefined = batch;
  for (let round = 0; pending && pending.length > 0; round++) {
    if (round > retry.retries) throw new UnprocessedKeysError(table, pending.length, round, operation);
    if (round > 0) await pauseBeforeRetry(retry, round);
    pending = await send(pending);
  }
};
