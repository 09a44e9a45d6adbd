import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import {
  DEFAULT_UNPROCESSED_RETRY,
  UnprocessedKeysError,
  type UnprocessedRetry,
} from '../../lib/adapters/dynamo/unprocessedRetry';

/**
 * A table that leaves every key unprocessed for its first `throttledCalls` BatchGetItem calls,
 * and a virtual clock whose pause records each wait: nothing waits on real time.
 */
const throttledTable = (throttledCalls: number) => {
  let calls = 0;
  let nowMs = 0;
  const sentAtMs: number[] = [];
  const client = {
    send: async (command: { input: { RequestItems: Record<string, { Keys: { pk: string }[] }> } }) => {
      calls++;
      sentAtMs.push(nowMs);
      const keys = command.input.RequestItems.ledger?.Keys ?? [];
      return calls <= throttledCalls
        ? { Responses: { ledger: [] }, UnprocessedKeys: { ledger: { Keys: keys } } }
        : { Responses: { ledger: [] } };
    },
  } as unknown as DynamoDBDocumentClient;
  const retry: UnprocessedRetry = {
    ...DEFAULT_UNPROCESSED_RETRY,
    clock: { now: () => nowMs },
    pause: {
      until: async (atMs) => {
        nowMs = Math.max(nowMs, atMs);
      },
    },
    // The longest wait each round: what jitter can reach.
    random: () => 0.999,
  };
  return { ledger: new DynamoLedger(client, 'ledger', retry), sentAtMs, calls: () => calls };
};

/** Review F11: BatchGetItem's UnprocessedKeys were asked again at once, in a tight loop, with no backoff and no bound. */
describe('DynamoLedger.getJobs under throttling', () => {
  it('backs off exponentially between rounds, and gives up with a named error after its bound', async () => {
    // The review's table: nothing processed for the first 200 calls.
    const table = throttledTable(200);
    const error = await table.ledger.getJobs(['a', 'b', 'c']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect((error as UnprocessedKeysError).unprocessed).toBe(3);
    // Bounded: the first call and 8 retries, not 200.
    expect(table.calls()).toBe(1 + DEFAULT_UNPROCESSED_RETRY.retries);
    const waits = table.sentAtMs.slice(1).map((at, i) => at - (table.sentAtMs[i] ?? 0));
    // Each wait about doubles the one before, up to the cap; more than a second in all (virtual time).
    expect(waits[0]).toBeGreaterThan(0);
    for (let i = 1; i < waits.length; i++)
      expect(waits[i]).toBeCloseTo(
        Math.min(2 * (waits[i - 1] ?? 0), 0.999 * DEFAULT_UNPROCESSED_RETRY.capMs),
        6,
      );
    expect(table.sentAtMs.at(-1)).toBeGreaterThan(1_000);
  });

  it('reads what a throttled table processes at last, waiting only between rounds', async () => {
    const table = throttledTable(3);
    await expect(table.ledger.getJobs(['a', 'b'])).resolves.toEqual([]);
    expect(table.calls()).toBe(4);
    expect(table.sentAtMs[0]).toBe(0);
    expect(table.sentAtMs.at(-1)).toBeCloseTo(0.999 * (50 + 100 + 200), 6);
  });
});
