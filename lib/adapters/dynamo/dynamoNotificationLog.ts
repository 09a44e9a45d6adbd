import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { coveredNotice, withCoveredNotices } from '../../notify/coveredNotice';
import type { Envelope } from '../../notify/envelope';
import { coveringKeys } from '../../notify/notice';
import type {
  Claim,
  DeadLetter,
  NoticeKey,
  NoticeRecord,
  NoticeState,
  NotificationLog,
} from '../../notify/notificationLog';
import type { Page } from '../../ports/ledger';
import {
  decodeCursor,
  encodeCursor,
  isConditionFailure,
  RETURN_ITEM_WHEN_REFUSED,
  refusedItem,
} from './conditions';
import { KEY, TTL_ATTRIBUTE } from './tableDesign';
import { DEFAULT_UNPROCESSED_RETRY, sendUntilProcessed, type UnprocessedRetry } from './unprocessedRetry';

/**
 * Notices live in the ledger table, in their job's partition: pk `JOB#<job>`, sk
 * `NOTICE#<kind>#<hop>[#<occurrence>]`. Dead letters live under one fixed partition,
 * pk `DEADLETTER#NOTICE`, sk `<ISO failure time>#<notice pk>#<notice sk>`, so ops list them
 * oldest first with one Query and no index; there are few, and each is removed once
 * replayed. Neither kind of item carries an index attribute, so the GSIs never see them.
 */
export const DEAD_LETTER_PARTITION = 'DEADLETTER#NOTICE';

export const noticeItemKey = (key: NoticeKey) => ({
  [KEY.partition]: `JOB#${key.job}`,
  [KEY.sort]: `NOTICE#${key.kind}#${key.hop}${key.occurrence ? `#${key.occurrence}` : ''}`,
});

const deadLetterItemKey = (id: string) => ({ [KEY.partition]: DEAD_LETTER_PARTITION, [KEY.sort]: id });

interface NoticeItem {
  readonly job: string;
  readonly kind: string;
  readonly hop: string;
  readonly occurrence?: string;
  readonly noticeState: NoticeState;
  readonly claims: number;
  readonly claimedAtMs: number;
  readonly deliveredAtMs?: number;
  readonly coveredBy?: NoticeKey;
  readonly deadLetterId?: string;
}

interface DeadLetterItem {
  readonly sk: string;
  readonly key: NoticeKey;
  readonly failedAtMs: number;
  readonly attempts: number;
  readonly error: string;
  readonly envelopes: readonly Envelope[];
}

const keyOf = (item: { job: string; kind: string; hop: string; occurrence?: string }): NoticeKey => ({
  job: item.job,
  kind: item.kind,
  hop: item.hop,
  ...(item.occurrence ? { occurrence: item.occurrence } : {}),
});

const noticeFromItem = (item: NoticeItem): NoticeRecord => ({
  key: keyOf(item),
  state: item.noticeState,
  claims: item.claims,
  claimedAtMs: item.claimedAtMs,
  ...(item.deliveredAtMs !== undefined ? { deliveredAtMs: item.deliveredAtMs } : {}),
  ...(item.coveredBy ? { coveredBy: item.coveredBy } : {}),
  ...(item.deadLetterId ? { deadLetterId: item.deadLetterId } : {}),
});

const letterFromItem = (item: DeadLetterItem): DeadLetter => ({
  id: item.sk,
  key: keyOf(item.key),
  failedAtMs: item.failedAtMs,
  attempts: item.attempts,
  error: item.error,
  envelopes: item.envelopes,
});

/** The attributes naming a notice, so that an item explains itself when read in the console. */
const identity = (key: NoticeKey) => ({
  set: `#job = :job, #kind = :kind, hop = :hop, itemType = :type${key.occurrence ? ', occurrence = :occurrence' : ''}`,
  names: { '#job': 'job', '#kind': 'kind' },
  values: {
    ':job': key.job,
    ':kind': key.kind,
    ':hop': key.hop,
    ':type': 'notice',
    ...(key.occurrence ? { ':occurrence': key.occurrence } : {}),
  },
});

export interface DynamoNotificationLogOptions {
  /** How long notice items stay (TTL): longer than any duplicate or re-observation of their facts. */
  readonly retentionDays: number;
  /** How keys a batch read leaves unprocessed are asked again (default: DEFAULT_UNPROCESSED_RETRY). */
  readonly unprocessedRetry?: UnprocessedRetry;
}

/** How many notices a container remembers; past it, it starts over (it then asks the table again). */
const KNOWN_NOTICES = 20_000;

const knownKey = (key: NoticeKey): string => {
  const item = noticeItemKey(key);
  return `${item[KEY.partition]}\n${item[KEY.sort]}`;
};

export class DynamoNotificationLog implements NotificationLog {
  /**
   * Notices this container has seen exist, and those it has seen delivered. A notice item is
   * only removed by its TTL, long after any duplicate of its facts, and a delivered one stays
   * delivered: a duplicate event handled by the same container sends no claim to be refused.
   */
  private readonly existing = new Set<string>();
  private readonly delivered = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoNotificationLogOptions,
  ) {}

  private know(key: NoticeKey, delivered: boolean): void {
    if (this.existing.size >= KNOWN_NOTICES) {
      this.existing.clear();
      this.delivered.clear();
    }
    const known = knownKey(key);
    this.existing.add(known);
    if (delivered) this.delivered.add(known);
  }

  private expiry(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.options.retentionDays * 86_400;
  }

  async claim(key: NoticeKey, nowMs: number, leaseMs: number): Promise<Claim> {
    if (this.delivered.has(knownKey(key))) return { kind: 'duplicate', state: 'delivered' };
    if (!this.existing.has(knownKey(key)) && (await this.covered(key))) {
      this.know(key, true);
      return { kind: 'duplicate', state: 'delivered' };
    }
    const named = identity(key);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noticeItemKey(key),
          UpdateExpression: `SET ${named.set}, noticeState = :claimed, claimedAtMs = :now, leaseUntilMs = :lease, claims = if_not_exists(claims, :zero) + :one, #ttl = :ttl`,
          // A claim whose lease ran out belongs to a sender that crashed: take it over.
          ConditionExpression:
            'attribute_not_exists(noticeState) OR (noticeState = :claimed AND leaseUntilMs < :now)',
          ExpressionAttributeNames: { ...named.names, '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ...named.values,
            ':claimed': 'claimed',
            ':now': nowMs,
            ':lease': nowMs + leaseMs,
            ':zero': 0,
            ':one': 1,
            ':ttl': this.expiry(nowMs),
          },
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      this.know(key, false);
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const refused = refusedItem<NoticeItem>(error);
      const current = refused ? noticeFromItem(refused) : await this.getNotice(key);
      const state = current?.state ?? 'claimed';
      this.know(key, state === 'delivered');
      return { kind: 'duplicate', state };
    }
  }

  async markDelivered(key: NoticeKey, nowMs: number): Promise<void> {
    const named = identity(key);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: noticeItemKey(key),
        UpdateExpression: `SET ${named.set}, noticeState = :delivered, deliveredAtMs = :now, claims = if_not_exists(claims, :zero), claimedAtMs = if_not_exists(claimedAtMs, :now), #ttl = :ttl REMOVE leaseUntilMs`,
        ExpressionAttributeNames: { ...named.names, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ...named.values,
          ':delivered': 'delivered',
          ':now': nowMs,
          ':zero': 0,
          ':ttl': this.expiry(nowMs),
        },
      }),
    );
    this.know(key, true);
  }

  /**
   * Whether `key` has no item and a covering notice already told it (coveredNotice): one
   * consistent batch read, only for a notice some other kind covers. Items an earlier
   * version wrote need nothing here: it wrote a covered notice as an item of its own (delivered,
   * with `coveredBy`), which the claim's condition refuses as any delivered notice, and which
   * getNotice and noticesOf return as stored.
   */
  private async covered(key: NoticeKey): Promise<boolean> {
    const covering = coveringKeys(key);
    if (covering.length === 0) return false;
    // The notice's own item is read with them: one that exists answers the claim itself (an
    // expired claim is taken over, as any other).
    const read = await this.readNotices([key, ...covering]);
    if (read.some((r) => knownKey(r.key) === knownKey(key))) return false;
    return coveredNotice(key, read) !== undefined;
  }

  /** The notices of `keys` that have an item, read consistently in one request (plus what throttling leaves). */
  private async readNotices(keys: readonly NoticeKey[]): Promise<NoticeRecord[]> {
    const records: NoticeRecord[] = [];
    const retry = this.options.unprocessedRetry ?? DEFAULT_UNPROCESSED_RETRY;
    await sendUntilProcessed<Record<string, unknown>>(
      retry,
      this.tableName,
      'BatchGetItem',
      keys.map(noticeItemKey),
      async (pending) => {
        const out: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          records.push(noticeFromItem(item as NoticeItem));
        return out.UnprocessedKeys?.[this.tableName]?.Keys;
      },
    );
    return records;
  }

  /**
   * Two single-item writes, the letter first: if the second is lost the notice stays claimed,
   * its lease runs out and a retry sends it again; a replay then finds it delivered and only
   * removes the letter. Nothing is lost either way.
   */
  async deadLetter(
    key: NoticeKey,
    envelopes: readonly Envelope[],
    error: string,
    nowMs: number,
  ): Promise<DeadLetter> {
    const notice = noticeItemKey(key);
    const id = `${new Date(nowMs).toISOString()}#${notice[KEY.partition]}#${notice[KEY.sort]}`;
    const item: DeadLetterItem = { sk: id, key, failedAtMs: nowMs, attempts: 1, error, envelopes };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...item, ...deadLetterItemKey(id), itemType: 'dead-letter' },
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': KEY.sort },
      }),
    );
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notice,
        // No TTL while the letter waits: the notice must still be there when it is replayed.
        UpdateExpression: 'SET noticeState = :dead, deadLetterId = :id REMOVE leaseUntilMs, #ttl',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':dead': 'dead-lettered', ':id': id },
      }),
    );
    return letterFromItem(item);
  }

  async getNotice(key: NoticeKey): Promise<NoticeRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: noticeItemKey(key), ConsistentRead: true }),
    );
    if (Item) return noticeFromItem(Item as NoticeItem);
    const covering = coveringKeys(key);
    return covering.length > 0 ? coveredNotice(key, await this.readNotices(covering)) : undefined;
  }

  async noticesOf(job: string): Promise<NoticeRecord[]> {
    const notices: NoticeRecord[] = [];
    for await (const page of paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.partition, '#sk': KEY.sort },
        ExpressionAttributeValues: { ':pk': `JOB#${job}`, ':prefix': 'NOTICE#' },
      },
    )) {
      for (const item of page.Items ?? []) notices.push(noticeFromItem(item as NoticeItem));
    }
    return withCoveredNotices(notices).sort((a, b) => a.claimedAtMs - b.claimedAtMs);
  }

  async listDeadLetters(limit: number, cursor?: string): Promise<Page<DeadLetter>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': KEY.partition },
        ExpressionAttributeValues: { ':pk': DEAD_LETTER_PARTITION },
        ConsistentRead: true,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const next = encodeCursor(LastEvaluatedKey);
    return {
      items: (Items ?? []).map((i) => letterFromItem(i as DeadLetterItem)),
      ...(next ? { cursor: next } : {}),
    };
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: deadLetterItemKey(id), ConsistentRead: true }),
    );
    return Item ? letterFromItem(Item as DeadLetterItem) : undefined;
  }

  /** The notice first: a crash in between leaves a letter whose notice says delivered, which a replay only removes. */
  async resolveDeadLetter(letter: DeadLetter, nowMs: number): Promise<void> {
    await this.markDelivered(letter.key, nowMs);
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: deadLetterItemKey(letter.id) }),
    );
  }

  async recordReplayFailure(
    letter: DeadLetter,
    envelopes: readonly Envelope[],
    error: string,
    nowMs: number,
  ): Promise<DeadLetter> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: deadLetterItemKey(letter.id),
        UpdateExpression:
          'SET attempts = attempts + :one, #error = :error, envelopes = :envelopes, lastAttemptAtMs = :now',
        ConditionExpression: 'attribute_exists(#sk)',
        ExpressionAttributeNames: { '#error': 'error', '#sk': KEY.sort },
        ExpressionAttributeValues: { ':one': 1, ':error': error, ':envelopes': envelopes, ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return letterFromItem(Attributes as DeadLetterItem);
  }
}
