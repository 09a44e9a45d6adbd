import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../ports/clock';
import type {
  GapLogPosition,
  GapLogRead,
  HopSpend,
  ObservedGap,
  OwnerSubmission,
  RunDuration,
  UsageStats,
  WrittenGap,
} from '../../ports/usageStats';
import { type ByExpiryRiders, GAP_LOG_HEAD, riderIndexAttributes, SIGHTING_FRESH_MS } from './byExpiryRiders';
import { GAP_LOG, historyTtl, KEY, TTL_ATTRIBUTE } from './tableDesign';
import { DEFAULT_UNPROCESSED_RETRY, sendUntilProcessed, type UnprocessedRetry } from './unprocessedRetry';

const BATCH_WRITE_ITEMS = 25;

/**
 * An owner's submissions: one item per submission instant, written without a condition (so that
 * one can ride in a gap's BatchWriteItem), whose latest is the owner's last submission. An
 * earlier version kept one item instead, sk ACTIVITY, moved forward by a conditional update;
 * deployed tables still hold it. The submission items' sort keys (`#SUBMITTED#<at>`) sort before
 * `ACTIVITY`, so the two greatest keys of the partition are ACTIVITY (if any) and the latest
 * submission item: ownerLastSubmittedAt reads those two and takes the later instant.
 */
const ownerPartition = (owner: string) => `OWNER#${owner}`;
const SUBMITTED_PREFIX = '#SUBMITTED#';
const submissionItem = (submission: OwnerSubmission): Item => ({
  [KEY.partition]: ownerPartition(submission.owner),
  [KEY.sort]: `${SUBMITTED_PREFIX}${String(submission.atMs).padStart(15, '0')}`,
  lastSubmittedAtMs: submission.atMs,
  [TTL_ATTRIBUTE]: historyTtl(submission.atMs),
});
const gapPartition = (scopeId: string) => `GAPS#${scopeId}`;
const runsPartition = (matchKey: string) => `RUNS#${matchKey}`;
/** Sorts by end instant, then job: the newest first when read backwards. */
const timedSortKey = (atMs: number, job: string) => `${String(atMs).padStart(15, '0')}#${job}`;
const spendPartition = (team: string, day: string) => `SPEND#${team}#${day}`;

type Item = Record<string, unknown>;

/** A hop's idle spend, kept by job in its team's day: written again, it replaces itself. */
const spendItem = (spend: HopSpend): Item => ({
  [KEY.partition]: spendPartition(spend.team, spend.day),
  [KEY.sort]: spend.job,
  usd: spend.usd,
  [TTL_ATTRIBUTE]: historyTtl(Date.parse(`${spend.day}T00:00:00Z`)),
});

const gapOf = (i: Item): ObservedGap => ({
  job: String(i.job),
  atMs: Number(i.atMs),
  gapSeconds: Number(i.gapSeconds),
  reused: Boolean(i.reused),
  // Absent in gaps written before start-ups were recorded: read as unknown.
  ...(typeof i.startupSeconds === 'number' ? { startupSeconds: i.startupSeconds } : {}),
  ...(i.unresolved === true ? { unresolved: true } : {}),
  ...(Array.isArray(i.scopeIds) ? { scopeIds: i.scopeIds.map(String) } : {}),
});

const spendOf = (i: Item): HopSpend => ({
  team: String(i.team),
  day: String(i.day),
  job: String(i.job),
  usd: Number(i.usd ?? 0),
});

const writtenGapOf = (i: Item): WrittenGap => ({
  scopeIds: Array.isArray(i.scopeIds) ? i.scopeIds.map(String) : [],
  gap: gapOf(typeof i.gap === 'object' && i.gap !== null ? (i.gap as Item) : {}),
  ...(typeof i.spend === 'object' && i.spend !== null ? { spend: spendOf(i.spend as Item) } : {}),
});

export class DynamoUsageStats implements UsageStats {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Stamps the gap log's writes; the readers' clocks may differ by up to GAP_LOG.skewMs. */
    private readonly clock: Clock = systemClock,
    private readonly unprocessedRetry: UnprocessedRetry = DEFAULT_UNPROCESSED_RETRY,
    /** What this container's ledger last saw of the gap log's head (byExpiryRiders.ts); absent: the log is always read. */
    private readonly riders?: ByExpiryRiders,
  ) {}

  async noteSubmission(owner: string, atMs: number): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: submissionItem({ owner, atMs }) }),
    );
  }

  async ownerLastSubmittedAt(owner: string): Promise<number | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ownerPartition(owner) },
        ScanIndexForward: false,
        Limit: 2,
      }),
    );
    let last: number | undefined;
    for (const item of Items ?? [])
      if (typeof item.lastSubmittedAtMs === 'number')
        last = Math.max(last ?? item.lastSubmittedAtMs, item.lastSubmittedAtMs);
    return last;
  }

  /**
   * One request for all its scopes, the hop's spend item, the owner's submission item and the
   * log item, which carries the spend too (BatchWriteItem takes 25 puts); what it leaves
   * unprocessed is sent again.
   */
  async addGap(
    scopeIds: readonly string[],
    gap: ObservedGap,
    spend?: HopSpend,
    submission?: OwnerSubmission,
  ): Promise<void> {
    const scopes = [...new Set(scopeIds)];
    if (scopes.length === 0 && !spend) {
      if (submission) await this.noteSubmission(submission.owner, submission.atMs);
      return;
    }
    const puts: { PutRequest: { Item: Item } }[] = spend ? [{ PutRequest: { Item: spendItem(spend) } }] : [];
    if (submission) puts.push({ PutRequest: { Item: submissionItem(submission) } });
    puts.push(...this.gapItems(scopes, gap, spend));
    for (let start = 0; start < puts.length; start += BATCH_WRITE_ITEMS) {
      const batch = puts.slice(start, start + BATCH_WRITE_ITEMS);
      await sendUntilProcessed(
        this.unprocessedRetry,
        this.tableName,
        'BatchWriteItem',
        batch,
        async (pending) => {
          const out: BatchWriteCommandOutput = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: [...pending] } }),
          );
          return out.UnprocessedItems?.[this.tableName] as typeof puts | undefined;
        },
      );
    }
  }

  /**
   * The log's head and the log item first (in the first BatchWriteItem together, stamped alike:
   * the head says a write lands with it), then the gap under each of its scopes.
   */
  private gapItems(
    scopes: readonly string[],
    gap: ObservedGap,
    spend: HopSpend | undefined,
  ): { PutRequest: { Item: Item } }[] {
    const writtenAtMs = this.clock.now();
    // Written only by a container with riders (not while a rollout may leave older readers of byExpiry).
    const head: Item[] = this.riders
      ? [{ ...GAP_LOG_HEAD.key, ...riderIndexAttributes(GAP_LOG_HEAD.sortValue), writtenAtMs }]
      : [];
    const logItem: Item = {
      [KEY.partition]: GAP_LOG.partition(writtenAtMs),
      [KEY.sort]: GAP_LOG.sortKey(writtenAtMs, gap.atMs, gap.job),
      writtenAtMs,
      scopeIds: scopes,
      gap,
      ...(spend ? { spend } : {}),
      [TTL_ATTRIBUTE]: Math.floor((writtenAtMs + GAP_LOG.retentionMs) / 1000),
    };
    const scopeItems: Item[] = scopes.map((scopeId) => ({
      [KEY.partition]: gapPartition(scopeId),
      [KEY.sort]: timedSortKey(gap.atMs, gap.job),
      ...gap,
      [TTL_ATTRIBUTE]: historyTtl(gap.atMs),
    }));
    return [...head, logItem, ...scopeItems].map((Item) => ({ PutRequest: { Item } }));
  }

  async recentGaps(scopeId: string, limit: number): Promise<ObservedGap[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': gapPartition(scopeId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(gapOf);
  }

  gapLogPosition(): GapLogPosition {
    return this.clock.now();
  }

  /**
   * One Query per UTC day from `from` less the skew margin to now: one, or two across midnight.
   * None when the log's head, as this container's ledger last saw it, shows the log has nothing
   * since (quietSince): the read is answered as of that sighting.
   */
  async gapsWrittenSince(from: GapLogPosition): Promise<GapLogRead | undefined> {
    const quiet = this.quietSince(from);
    if (quiet !== undefined) return { written: [], next: quiet, asOfMs: quiet };
    const next = this.clock.now();
    const sinceMs = from - GAP_LOG.skewMs;
    if (next - sinceMs > GAP_LOG.horizonMs) return undefined;
    const partitions = [...new Set([GAP_LOG.partition(sinceMs), GAP_LOG.partition(next)])];
    const written: WrittenGap[] = [];
    for (const partition of partitions) {
      for await (const page of paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': partition, ':from': GAP_LOG.sortKeyFrom(sinceMs) },
        },
      )) {
        for (const item of page.Items ?? []) written.push(writtenGapOf(item));
      }
    }
    return { written, next };
  }

  /**
   * When the head was seen, if that sighting shows nothing written since `from` that a read from
   * `from` had not returned. Every write puts the head with its log item, stamped alike; a put
   * in flight may land after a later one and set the head back, but by less than the skew
   * margin (GAP_LOG.skewMs bounds how late a write lands after its stamp). So a log item landed
   * before the sighting is stamped at most a margin after the head it showed, and one landed
   * after the read at `from` is stamped no earlier than a margin before `from`: a head stamped
   * more than two margins before `from` leaves no room for one. An item landing after the
   * sighting is stamped no earlier than a margin before it, so the next read, from the sighting,
   * finds it. A sighting from before `from` tells nothing new, and one older than
   * SIGHTING_FRESH_MS is not taken: what is brought up to date from it is only as fresh as the
   * sighting, which the sweep's own reads, at once after its read of the pools, barely notice;
   * a later ask (after the catch-up listings' waits) reads the log, as fresh as it asks.
   */
  private quietSince(from: GapLogPosition): number | undefined {
    if (!this.riders?.trustsGapLogHead) return undefined;
    const head = this.riders.sighting(GAP_LOG_HEAD.key);
    const writtenAtMs = head?.item.writtenAtMs;
    if (!head || typeof writtenAtMs !== 'number' || head.seenAtMs < from) return undefined;
    if (this.clock.now() - head.seenAtMs > SIGHTING_FRESH_MS) return undefined;
    return writtenAtMs < from - 2 * GAP_LOG.skewMs ? head.seenAtMs : undefined;
  }

  async idleSpend(team: string, day: string): Promise<number> {
    let total = 0;
    for (const usd of (await this.idleSpendByJob(team, day)).values()) total += usd;
    return total;
  }

  async idleSpendByJob(team: string, day: string): Promise<ReadonlyMap<string, number>> {
    const byJob = new Map<string, number>();
    for await (const page of paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': spendPartition(team, day) },
      },
    )) {
      for (const item of page.Items ?? []) byJob.set(String(item[KEY.sort]), Number(item.usd ?? 0));
    }
    return byJob;
  }

  async addRunDuration(matchKey: string, run: RunDuration): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [KEY.partition]: runsPartition(matchKey),
          [KEY.sort]: timedSortKey(run.atMs, run.job),
          job: run.job,
          atMs: run.atMs,
          seconds: run.seconds,
          [TTL_ATTRIBUTE]: historyTtl(run.atMs),
        },
      }),
    );
  }

  async recentRunDurations(matchKey: string, limit: number): Promise<RunDuration[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': runsPartition(matchKey) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => ({
      job: String(i.job),
      atMs: Number(i.atMs),
      seconds: Number(i.seconds),
    }));
  }
}
