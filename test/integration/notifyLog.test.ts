import { type BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../lib/adapters/awsClients';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import {
  DEAD_LETTER_PARTITION,
  DynamoNotificationLog,
  noticeItemKey,
} from '../../lib/adapters/dynamo/dynamoNotificationLog';
import { INDEX } from '../../lib/adapters/dynamo/tableDesign';
import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import type { Envelope } from '../../lib/notify/envelope';
import type { NoticeKey, NotificationLog } from '../../lib/notify/notificationLog';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const T0 = Date.parse('2024-06-04T12:00:00Z');
const MIN = 60_000;

let dynamo: LocalDynamo;
let TABLE: string;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  TABLE = await dynamo.createLedgerTable();
  // The production document client, pointed at dynalite through the SDK's own setting.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
});
afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = previousEndpoint;
  await dynamo.stop();
});

const slackEnvelope: Envelope = {
  channel: 'slack',
  to: { via: 'email', email: 'alice@example.com', fallbackChannel: 'C0PLATFORM' },
  text: 'Warm pool of a available',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: '*Warm pool available*' } },
    {
      type: 'actions',
      block_id: 'poolwarden.pool-available',
      elements: [
        {
          type: 'button',
          action_id: 'pool.stop',
          text: { type: 'plain_text', text: 'Stop', emoji: true },
          value: '{"job":"a","hop":"a"}',
          style: 'danger',
        },
      ],
    },
  ],
};
const emailEnvelope: Envelope = {
  channel: 'email',
  subject: '[poolwarden] Warm pool of a available',
  body: 'body',
  attributes: { owner: 'alice', kind: 'pool-available', job: 'a' },
};

let run = 0;
/** Each test gets its own job names, so tests sharing the table do not see each other. */
const key = (kind: string, occurrence?: string): NoticeKey => ({
  job: `job-${run}`,
  kind,
  hop: `job-${run}`,
  ...(occurrence ? { occurrence } : {}),
});

const contract = (name: string, makeLog: () => NotificationLog) =>
  describe(`${name} notification log`, () => {
    const log = () => {
      run += 1;
      return makeLog();
    };

    it('lets one sender claim a notice; everyone after sees a duplicate', async () => {
      const l = log();
      expect(await l.claim(key('job-ended'), T0, 2 * MIN)).toEqual({ kind: 'claimed' });
      expect(await l.claim(key('job-ended'), T0, 2 * MIN)).toEqual({ kind: 'duplicate', state: 'claimed' });
      await l.markDelivered(key('job-ended'), T0 + 1000);
      expect(await l.claim(key('job-ended'), T0 + 10 * MIN, 2 * MIN)).toEqual({
        kind: 'duplicate',
        state: 'delivered',
      });
      expect(await l.getNotice(key('job-ended'))).toMatchObject({
        key: key('job-ended'),
        state: 'delivered',
        claims: 1,
        claimedAtMs: T0,
        deliveredAtMs: T0 + 1000,
      });
    });

    it("lists a job's notices, oldest claim first", async () => {
      const l = log();
      await l.claim(key('pool-available'), T0 + 2000, MIN);
      await l.claim(key('job-ended'), T0 + 1000, MIN);
      await l.markDelivered(key('job-ended'), T0 + 1500);
      const notices = await l.noticesOf(key('x').job);
      expect(notices.map((n) => [n.key.kind, n.state])).toEqual([
        ['job-ended', 'delivered'],
        ['pool-available', 'claimed'],
      ]);
      expect(await l.noticesOf('someone-else')).toEqual([]);
    });

    it('keeps occurrences of one kind apart', async () => {
      const l = log();
      expect(await l.claim(key('pool-extended', '1000'), T0, MIN)).toEqual({ kind: 'claimed' });
      expect(await l.claim(key('pool-extended', '2000'), T0, MIN)).toEqual({ kind: 'claimed' });
    });

    it('lets a claim whose lease ran out be taken over, never one still leased', async () => {
      const l = log();
      await l.claim(key('pool-available'), T0, 2 * MIN);
      expect((await l.claim(key('pool-available'), T0 + MIN, 2 * MIN)).kind).toBe('duplicate');
      expect(await l.claim(key('pool-available'), T0 + 3 * MIN, 2 * MIN)).toEqual({ kind: 'claimed' });
      expect((await l.getNotice(key('pool-available')))?.claims).toBe(2);
    });

    it('tells a notice a delivered or dead-lettered covering notice told, with no item of its own', async () => {
      const l = log();
      // In flight, the covering message has told nothing yet.
      await l.claim(key('pool-available'), T0, MIN);
      expect(await l.getNotice(key('job-ended'))).toBeUndefined();
      await l.markDelivered(key('pool-available'), T0 + 1000);
      expect(await l.claim(key('job-ended'), T0 + MIN, MIN)).toEqual({
        kind: 'duplicate',
        state: 'delivered',
      });
      const told = {
        key: key('job-ended'),
        state: 'delivered',
        claims: 0,
        claimedAtMs: T0 + 1000,
        deliveredAtMs: T0 + 1000,
        coveredBy: key('pool-available'),
      };
      expect(await l.getNotice(key('job-ended'))).toEqual(told);
      expect(await l.noticesOf(key('x').job)).toEqual([
        expect.objectContaining({ key: key('pool-available'), state: 'delivered' }),
        told,
      ]);
      // A notice of another kind, or another hop's, is not told by it.
      expect(await l.claim(key('expiry-warning', '1'), T0 + MIN, MIN)).toEqual({ kind: 'claimed' });

      const other = log();
      await other.claim(key('no-pool'), T0, MIN);
      await other.deadLetter(key('no-pool'), [emailEnvelope], 'email: SNS 500', T0 + 500);
      expect(await other.claim(key('job-ended'), T0 + MIN, MIN)).toEqual({
        kind: 'duplicate',
        state: 'delivered',
      });
      expect(await other.getNotice(key('job-ended'))).toMatchObject({ coveredBy: key('no-pool') });
    });

    it('leaves a notice with an item of its own to that item, covered or not', async () => {
      const l = log();
      expect(await l.claim(key('job-ended'), T0, MIN)).toEqual({ kind: 'claimed' });
      await l.claim(key('pool-available'), T0, MIN);
      await l.markDelivered(key('pool-available'), T0 + 1000);
      expect(await l.claim(key('job-ended'), T0 + 1, MIN)).toEqual({ kind: 'duplicate', state: 'claimed' });
      expect(await l.getNotice(key('job-ended'))).toMatchObject({ state: 'claimed', claims: 1 });
      expect((await l.noticesOf(key('x').job)).map((n) => [n.key.kind, n.state])).toEqual([
        ['job-ended', 'claimed'],
        ['pool-available', 'delivered'],
      ]);
      // Its sender died: the claim is taken over once its lease ran out, as any other.
      expect(await l.claim(key('job-ended'), T0 + 2 * MIN, MIN)).toEqual({ kind: 'claimed' });
    });

    it('keeps dead letters whole, lists them oldest first a page at a time, and resolves them', async () => {
      const l = log();
      for (const [i, kind] of ['pool-available', 'expiry-warning', 'pool-stopped'].entries()) {
        await l.claim(key(kind), T0, MIN);
        await l.deadLetter(key(kind), [slackEnvelope, emailEnvelope], `slack: HTTP 503 (${i})`, T0 + i * MIN);
      }
      expect(await l.claim(key('pool-available'), T0 + 60 * MIN, MIN)).toEqual({
        kind: 'duplicate',
        state: 'dead-lettered',
      });

      const mine = async () => {
        const letters = [];
        let cursor: string | undefined;
        do {
          const page = await l.listDeadLetters(2, cursor);
          expect(page.items.length).toBeLessThanOrEqual(2);
          letters.push(...page.items.filter((letter) => letter.key.job === key('x').job));
          cursor = page.cursor;
        } while (cursor);
        return letters;
      };
      const letters = await mine();
      expect(letters.map((letter) => [letter.key.kind, letter.error, letter.attempts])).toEqual([
        ['pool-available', 'slack: HTTP 503 (0)', 1],
        ['expiry-warning', 'slack: HTTP 503 (1)', 1],
        ['pool-stopped', 'slack: HTTP 503 (2)', 1],
      ]);
      const first = letters[0];
      if (!first) throw new Error('a letter');
      expect(first.envelopes).toEqual([slackEnvelope, emailEnvelope]);
      expect(await l.getDeadLetter(first.id)).toEqual(first);
      expect((await l.getNotice(first.key))?.deadLetterId).toBe(first.id);

      const again = await l.recordReplayFailure(first, [slackEnvelope], 'slack: HTTP 500', T0 + 90 * MIN);
      expect(again).toMatchObject({
        id: first.id,
        attempts: 2,
        error: 'slack: HTTP 500',
        envelopes: [slackEnvelope],
      });

      await l.resolveDeadLetter(again, T0 + 100 * MIN);
      expect(await l.getDeadLetter(first.id)).toBeUndefined();
      expect(await l.getNotice(first.key)).toMatchObject({
        state: 'delivered',
        deliveredAtMs: T0 + 100 * MIN,
      });
      expect((await mine()).map((letter) => letter.key.kind)).toEqual(['expiry-warning', 'pool-stopped']);
    });
  });

contract('in-memory', () => new MemoryNotificationLog());
contract('DynamoDB', () => new DynamoNotificationLog(documentClient(), TABLE, { retentionDays: 35 }));

describe('DynamoDB notification items in the ledger table', () => {
  it("share the job's partition, stay out of the indexes, and leave the job item alone", async () => {
    const client = documentClient();
    const ledger = new DynamoLedger(client, TABLE);
    const log = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const notice: NoticeKey = {
      job: 'shared-1',
      kind: 'pool-extended',
      hop: 'shared-1',
      occurrence: '1717500000000',
    };
    await log.claim(notice, T0, MIN);
    await log.deadLetter(notice, [emailEnvelope], 'email: SNS 500', T0);

    expect(noticeItemKey(notice)).toEqual({
      pk: 'JOB#shared-1',
      sk: 'NOTICE#pool-extended#shared-1#1717500000000',
    });
    const { Item } = await client.send(new GetCommand({ TableName: TABLE, Key: noticeItemKey(notice) }));
    expect(Item).toMatchObject({ job: 'shared-1', kind: 'pool-extended', noticeState: 'dead-lettered' });
    expect(Item?.ttl).toBeUndefined();

    const { Items: letters } = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: {
          ':pk': DEAD_LETTER_PARTITION,
          ':day': '2024-06-04T12:00:00.000Z#JOB#shared-1#',
        },
      }),
    );
    expect(letters).toHaveLength(1);

    expect(await ledger.getJob('shared-1')).toBeUndefined();
    const { Items: indexed } = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: INDEX.byExpiry.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': INDEX.byExpiry.partition },
        ExpressionAttributeValues: { ':p': 'AVAILABLE' },
      }),
    );
    expect(indexed).toEqual([]);
  });

  it('asks nothing for a notice the container has seen delivered or existing', async () => {
    const client = documentClient();
    const mine = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const other = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const available: NoticeKey = { job: 'seen-1', kind: 'pool-available', hop: 'seen-1' };
    const ended: NoticeKey = { job: 'seen-1', kind: 'job-ended', hop: 'seen-1' };
    const send = vi.spyOn(client, 'send');
    try {
      expect(await mine.claim(available, T0, MIN)).toEqual({ kind: 'claimed' });
      await mine.markDelivered(available, T0);
      expect(send).toHaveBeenCalledTimes(2);
      // The job's end, told by that message: one read of it (and of the end's own item), no write.
      expect(await mine.claim(ended, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(send).toHaveBeenCalledTimes(3);
      // A duplicate event in this container: no claim to be refused, no read.
      expect(await mine.claim(available, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(await mine.claim(ended, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(send).toHaveBeenCalledTimes(3);
      // Another container learns it from the table: a refused claim and one read.
      expect(await other.claim(available, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(send).toHaveBeenCalledTimes(5);
      expect(await other.claim(available, T0 + 2 * MIN, MIN)).toEqual({
        kind: 'duplicate',
        state: 'delivered',
      });
      expect(send).toHaveBeenCalledTimes(5);
    } finally {
      send.mockRestore();
    }
  });

  it('reads a covered notice an earlier version wrote as an item of its own', async () => {
    // Earlier versions marked a covered notice with a write of its own after the covering one
    // was delivered: such items stay in a deployed table until their TTL.
    const client = documentClient();
    const ended: NoticeKey = { job: 'old-cover-1', kind: 'job-ended', hop: 'old-cover-1' };
    const available: NoticeKey = { job: 'old-cover-1', kind: 'pool-available', hop: 'old-cover-1' };
    const old = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    await old.claim(available, T0, MIN);
    await old.markDelivered(available, T0 + 1000);
    await client.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: noticeItemKey(ended),
        UpdateExpression:
          'SET #job = :job, #kind = :kind, hop = :hop, itemType = :type, noticeState = :delivered, claims = :zero, claimedAtMs = :now, deliveredAtMs = :now, coveredBy = :by, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(noticeState)',
        ExpressionAttributeNames: { '#job': 'job', '#kind': 'kind', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':job': ended.job,
          ':kind': ended.kind,
          ':hop': ended.hop,
          ':type': 'notice',
          ':delivered': 'delivered',
          ':zero': 0,
          ':now': T0 + 1500,
          ':by': available,
          ':ttl': Math.floor(T0 / 1000) + 35 * 86_400,
        },
      }),
    );
    const log = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    expect(await log.claim(ended, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
    const stored = {
      key: ended,
      state: 'delivered',
      claims: 0,
      claimedAtMs: T0 + 1500,
      deliveredAtMs: T0 + 1500,
      coveredBy: available,
    };
    expect(await log.getNotice(ended)).toEqual(stored);
    // Listed once, as stored: not derived again beside it.
    const notices = await log.noticesOf(ended.job);
    expect(notices.filter((n) => n.key.kind === 'job-ended')).toEqual([stored]);
    expect(notices).toHaveLength(2);
  });

  it('writes nothing when the read of the covering notices fails, and claims on the next try', async () => {
    const client = documentClient();
    const log = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const ended: NoticeKey = { job: 'read-fails-1', kind: 'job-ended', hop: 'read-fails-1' };
    const send = vi.spyOn(client, 'send');
    send.mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    try {
      await expect(log.claim(ended, T0, MIN)).rejects.toThrow('Rate exceeded');
      expect(send).toHaveBeenCalledTimes(1);
    } finally {
      send.mockRestore();
    }
    expect(await log.getNotice(ended)).toBeUndefined();
    expect(await log.claim(ended, T0 + 1, MIN)).toEqual({ kind: 'claimed' });
  });

  it('reads the covering notices again when throttling leaves keys unprocessed', async () => {
    const client = documentClient();
    const log = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const available: NoticeKey = { job: 'throttled-1', kind: 'pool-available', hop: 'throttled-1' };
    const ended: NoticeKey = { job: 'throttled-1', kind: 'job-ended', hop: 'throttled-1' };
    await log.claim(available, T0, MIN);
    await log.markDelivered(available, T0);
    const send = vi.spyOn(client, 'send');
    // The first batch read answers nothing and hands every key back, as a throttled one may.
    const throttled = async (command: BatchGetCommand) => ({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: command.input.RequestItems,
    });
    send.mockImplementationOnce(throttled as unknown as typeof client.send);
    try {
      const fresh = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
      expect(await fresh.claim(ended, T0 + MIN, MIN)).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(send).toHaveBeenCalledTimes(2);
    } finally {
      send.mockRestore();
    }
  });

  it('learns a refused claim from the item the refusal carries, where the store returns it', async () => {
    // In process, dynalite's refusal carries the item, as DynamoDB's does: no read follows.
    const client = dynamo.inProcessClient;
    const first = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const other = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const notice: NoticeKey = { job: 'refused-1', kind: 'pool-available', hop: 'refused-1' };
    expect(await first.claim(notice, T0, MIN)).toEqual({ kind: 'claimed' });
    const send = vi.spyOn(client, 'send');
    try {
      expect(await other.claim(notice, T0 + 1, MIN)).toEqual({ kind: 'duplicate', state: 'claimed' });
      await first.markDelivered(notice, T0 + 2);
      expect(
        await new DynamoNotificationLog(client, TABLE, { retentionDays: 35 }).claim(notice, T0 + 3, MIN),
      ).toEqual({ kind: 'duplicate', state: 'delivered' });
      expect(send).toHaveBeenCalledTimes(3);
    } finally {
      send.mockRestore();
    }
  });

  it('gives delivered notices a TTL so the history does not grow forever', async () => {
    const client = documentClient();
    const log = new DynamoNotificationLog(client, TABLE, { retentionDays: 35 });
    const notice: NoticeKey = { job: 'ttl-1', kind: 'job-ended', hop: 'ttl-1' };
    await log.claim(notice, T0, MIN);
    await log.markDelivered(notice, T0);
    const { Item } = await client.send(new GetCommand({ TableName: TABLE, Key: noticeItemKey(notice) }));
    expect(Item?.ttl).toBe(Math.floor(T0 / 1000) + 35 * 86_400);
  });
});
