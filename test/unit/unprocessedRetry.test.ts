import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoNotificationLog } from '../../lib/adapters/dynamo/dynamoNotificationLog';
import { DynamoUsageStats } from '../../lib/adapters/dynamo/dynamoUsageStats';
import {
  DEFAULT_UNPROCESSED_RETRY,
  sendUntilProcessed,
  UnprocessedKeysError,
  type UnprocessedRetry,
} from '../../lib/adapters/dynamo/unprocessedRetry';

/** A virtual clock whose pause records each wait: nothing waits on real time. */
const virtualRetry = () => {
  const world = { nowMs: 0, waits: [] as number[] };
  const retry: UnprocessedRetry = {
    ...DEFAULT_UNPROCESSED_RETRY,
    clock: { now: () => world.nowMs },
    pause: {
      until: async (atMs) => {
        world.waits.push(atMs - world.nowMs);
        world.nowMs = Math.max(world.nowMs, atMs);
      },
    },
    random: () => 0.5,
  };
  return { world, retry };
};

describe('sendUntilProcessed', () => {
  it('sends again only what was left, after growing waits, until nothing is left', async () => {
    const { world, retry } = virtualRetry();
    const sent: string[][] = [];
    await sendUntilProcessed(retry, 'ledger', 'BatchWriteItem', ['a', 'b', 'c'], async (pending) => {
      sent.push([...pending]);
      return pending.slice(1);
    });
    expect(sent).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(world.waits).toEqual([25, 50]);
  });

  it('gives up after its retries with an error naming the table, the operation and what is left', async () => {
    const { retry } = virtualRetry();
    let calls = 0;
    const error = await sendUntilProcessed(retry, 'ledger', 'BatchWriteItem', ['a'], async (pending) => {
      calls++;
      return pending;
    }).catch((e: unknown) => e);
    expect(calls).toBe(1 + retry.retries);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect(String(error)).toMatch(/1 items of table ledger unprocessed after 9 rounds of BatchWriteItem/);
  });
});

/** A table that leaves every request's batch unprocessed: each adapter gives up, bounded, instead of spinning. */
const throttledClient = () => {
  const state = { calls: 0 };
  const client = {
    send: async (command: { input: { RequestItems: Record<string, unknown> } }) => {
      state.calls++;
      const asked = command.input.RequestItems.ledger;
      return Array.isArray(asked)
        ? { UnprocessedItems: { ledger: asked } }
        : { Responses: { ledger: [] }, UnprocessedKeys: { ledger: asked } };
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, state };
};

describe('the DynamoDB adapters under a throttled batch', () => {
  it("the usage statistics' gap write backs off and gives up", async () => {
    const { retry } = virtualRetry();
    const { client, state } = throttledClient();
    const stats = new DynamoUsageStats(client, 'ledger', retry.clock, retry);
    const error = await stats
      .addGap(['key#k'], { job: 'train-a', atMs: 0, gapSeconds: 60, reused: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect(state.calls).toBe(1 + retry.retries);
  });

  it("the notification log's read of a notice and its covering notices backs off and gives up", async () => {
    const { retry } = virtualRetry();
    const { client, state } = throttledClient();
    const log = new DynamoNotificationLog(client, 'ledger', { retentionDays: 30, unprocessedRetry: retry });
    const error = await log
      .claim({ job: 'train-a', kind: 'job-ended', hop: 'train-a' }, 0, 45_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect(state.calls).toBeGreaterThanOrEqual(1 + retry.retries);
  });
});
