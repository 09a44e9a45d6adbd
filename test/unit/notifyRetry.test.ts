import { describe, expect, it } from 'vitest';
import { type DeliveryDeadline, NOTICE_LOG_WRITES_MS } from '../../lib/notify/deliveryDeadline';
import { DeliveryError, permanentFailure, transientFailure } from '../../lib/notify/deliveryError';
import { backoffMs, type RetryPolicy, withRetry } from '../../lib/notify/retry';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, waitBudgetMs: 1000 };

const failing = (errors: unknown[]) => {
  let calls = 0;
  return {
    attempt: async () => {
      calls += 1;
      const error = errors.shift();
      if (error) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
};

const run = async (errors: unknown[], p: RetryPolicy = policy, deadline?: DeliveryDeadline) => {
  const waits: number[] = [];
  const target = failing(errors);
  const result = await withRetry(target.attempt, p, {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
    ...(deadline ? { deadline } : {}),
  });
  return { result, waits, calls: target.calls() };
};

describe('withRetry', () => {
  it('doubles its backoff up to the cap', async () => {
    const { result, waits } = await run([
      transientFailure('a'),
      transientFailure('b'),
      transientFailure('c'),
    ]);
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 4 });
    expect(waits).toEqual([100, 200, 300]);
  });

  it('jitters between half and all of the nominal delay', () => {
    expect(backoffMs(policy, 2, () => 0)).toBe(100);
    expect(backoffMs(policy, 2, () => 0.5)).toBe(150);
  });

  it('stops after maxAttempts and returns the last error', async () => {
    const { result, calls } = await run([1, 2, 3, 4, 5].map((n) => transientFailure(`HTTP 50${n}`)));
    expect(calls).toBe(4);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toBe('HTTP 504');
  });

  it('treats an unclassified error as permanent rather than risk repeating a message', async () => {
    const { result, calls } = await run([new TypeError('boom')]);
    expect(calls).toBe(1);
    expect(!result.ok && result.error).toBeInstanceOf(DeliveryError);
    expect(!result.ok && result.error.retryable).toBe(false);
  });

  it('does not retry a permanent failure', async () => {
    const { calls } = await run([permanentFailure('invalid_auth')]);
    expect(calls).toBe(1);
  });

  it('waits what Retry-After asks, within the budget', async () => {
    const { waits, calls } = await run([transientFailure('429', 700), transientFailure('429', 300)]);
    expect(waits).toEqual([700, 300]);
    expect(calls).toBe(3);
  });

  it('gives up rather than wait past the budget', async () => {
    const { result, waits } = await run([transientFailure('429', 700), transientFailure('429', 400)]);
    expect(waits).toEqual([700]);
    expect(!result.ok && result.error.message).toContain('exceeds the 300 ms left of the retry budget');
  });

  it("makes no retry that would not end, with the log's writes, before the invocation does", async () => {
    // Each attempt takes no time here, so what is left only shrinks by the waits: after the first
    // wait (100 ms), 1 ms less than the second retry needs.
    let leftMs = 100 + 200 + 500 + NOTICE_LOG_WRITES_MS - 1;
    const deadline: DeliveryDeadline = { leftMs: () => leftMs, attemptTimeoutMs: 500 };
    const waits: number[] = [];
    const target = failing([transientFailure('HTTP 503'), transientFailure('HTTP 503')]);
    const result = await withRetry(target.attempt, policy, {
      sleep: async (ms) => {
        waits.push(ms);
        leftMs -= ms;
      },
      random: () => 1,
      deadline,
    });
    // The first retry (a 100 ms wait, a 500 ms attempt, the writes) fits; the second does not.
    expect(waits).toEqual([100]);
    expect(target.calls()).toBe(2);
    expect(!result.ok && result.error.message).toBe(
      'HTTP 503 (gave up: a retry after 200 ms would not end before the invocation does)',
    );
  });

  it('retries as the policy says when the invocation has the time', async () => {
    const { result, waits } = await run([transientFailure('a'), transientFailure('b')], policy, {
      leftMs: () => 30_000,
      attemptTimeoutMs: 4_000,
    });
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 3 });
    expect(waits).toEqual([100, 200]);
  });
});
