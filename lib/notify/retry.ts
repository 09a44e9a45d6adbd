import { attemptFits, type DeliveryDeadline } from './deliveryDeadline';
import { asDeliveryError, DeliveryError } from './deliveryError';

/**
 * How hard one delivery tries. Bounded in attempts and in total waiting so that a delivery
 * fits in a Lambda invocation (30 s) whatever the other side answers.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  /** First backoff; doubled on each retry, capped by maxDelayMs, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Total time one delivery may spend waiting between attempts, Retry-After included. */
  readonly waitBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
  waitBudgetMs: 8_000,
};

/** The longest one delivery can take: every attempt running to its timeout, and every wait. */
export const deliveryWorstCaseMs = (
  policy: Pick<RetryPolicy, 'maxAttempts' | 'waitBudgetMs'>,
  attemptTimeoutMs: number,
): number => policy.maxAttempts * attemptTimeoutMs + policy.waitBudgetMs;

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryTools {
  readonly sleep: Sleep;
  /** In [0, 1); injectable so tests see exact waits. */
  readonly random: () => number;
  readonly onRetry?: (error: DeliveryError, attempt: number, waitMs: number) => void;
  /** Absent: retries are bounded by the policy alone. */
  readonly deadline?: DeliveryDeadline;
}

export type RetryResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: DeliveryError; readonly attempts: number };

/** Exponential backoff with "equal jitter": never less than half the nominal delay, so retries stay spread. */
export const backoffMs = (policy: RetryPolicy, retry: number, random: () => number): number => {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random());
};

/**
 * Runs `attempt` until it succeeds, fails permanently, or the policy is spent. A Retry-After
 * is honoured exactly; when it is longer than what is left of the budget the delivery gives
 * up at once rather than sleep past the Lambda's end (the caller dead-letters it). So does a
 * retry that would not end before the invocation's deadline (tools.deadline).
 */
export const withRetry = async <T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  tools: RetryTools,
): Promise<RetryResult<T>> => {
  let waited = 0;
  for (let n = 1; ; n++) {
    try {
      return { ok: true, value: await attempt(), attempts: n };
    } catch (caught) {
      const error = asDeliveryError(caught);
      if (!error.retryable || n >= policy.maxAttempts) return { ok: false, error, attempts: n };
      const waitMs = error.retryAfterMs ?? backoffMs(policy, n, tools.random);
      if (waited + waitMs > policy.waitBudgetMs) {
        const gaveUp = new DeliveryError(
          `${error.message} (gave up: a wait of ${waitMs} ms exceeds the ${policy.waitBudgetMs - waited} ms left of the retry budget)`,
          true,
          error.retryAfterMs,
        );
        return { ok: false, error: gaveUp, attempts: n };
      }
      if (!attemptFits(tools.deadline, waitMs)) {
        const gaveUp = new DeliveryError(
          `${error.message} (gave up: a retry after ${waitMs} ms would not end before the invocation does)`,
          true,
          error.retryAfterMs,
        );
        return { ok: false, error: gaveUp, attempts: n };
      }
      tools.onRetry?.(error, n, waitMs);
      waited += waitMs;
      await tools.sleep(waitMs);
    }
  }
};
