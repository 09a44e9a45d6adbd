import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { historyDay } from '../../domain/historyDay';

/**
 * The ledger table's key shapes and indexes. serverless.yml declares the same table; a test
 * checks the packaged template against this file.
 *
 * Items:
 *  - a training job: pk JOB#<name>, sk JOB, where the name is the job's reference (jobRef in
 *    lib/domain/jobLocation.ts): bare in the deployment's own account and region,
 *    <account>/<region>/<name> elsewhere, so that the key, every link and the byMatchKey index
 *    (whose key includes account and region there) never cross accounts or regions;
 *  - what happened to that job's pool hop, in the same partition: sk DECISION#<at>#<key>
 *    (policy, operator and Slack actions), sk NOTICE#<kind>#<hop> (notifications);
 *  - dead-lettered notifications: pk DEADLETTER#NOTICE, sk <failed at>#<notice key>;
 *  - usage statistics the policies learn from: pk OWNER#<owner> sk #SUBMITTED#<at> (submissions,
 *    the latest counts; an earlier version's sk ACTIVITY item is still read: dynamoUsageStats.ts),
 *    pk GAPS#<scope> sk <at>#<job> (idle gaps), pk SPEND#<team>#<day> sk <job> (idle spend);
 *  - the log of gap writes (GAP_LOG below), so that a container holding a scope's gaps (or a
 *    team's day of spend) reads only what was written since it last looked, not them again.
 * The three pool indexes are sparse: an item is in them only while its pool is Available, so
 * the sweep and reuse detection read Available pools only, never history (byExpiry also carries
 * a few riders ahead of the pools, which are no jobs: the gap log's head and the reconcile
 * schedules' items, byExpiryRiders.ts, read with the sweep's read of the pools); byRunning is sparse
 * in the same way, holding a job only while it runs. byDay holds history
 * (jobs by submission day, decisions by day) for reports.
 */
export const KEY = { partition: 'pk', sort: 'sk' } as const;

export const INDEX = {
  /** Available pools, soonest expiry first: the sweep's work list. */
  byExpiry: { name: 'byExpiry', partition: 'availablePartition', sort: 'expiresAtMs' },
  /** Available pools with one match key: the candidates a new job may reuse. */
  byMatchKey: { name: 'byMatchKey', partition: 'availableMatchKey', sort: 'expiresAtMs' },
  /** Available pools of one owner: near misses and `pools list --owner`. */
  byOwner: { name: 'byOwner', partition: 'availableOwner', sort: 'expiresAtMs' },
  /**
   * Jobs whose last snapshot is not terminal, oldest first: what the reconciler asks SageMaker
   * about when it does not list them (an end event may have been lost).
   */
  byRunning: { name: 'byRunning', partition: 'runningPartition', sort: 'historyAtMs' },
  /** History by UTC day: jobs by submission, decisions by when they were taken. */
  byDay: { name: 'byDay', partition: 'historyDay', sort: 'historyAtMs' },
} as const;

/** The single partition value of byExpiry. Fine up to tens of thousands of Available pools. */
export const AVAILABLE_PARTITION = 'AVAILABLE';
/** The single partition value of byRunning. */
export const RUNNING_PARTITION = 'RUNNING';

/** Epoch seconds after which DynamoDB may delete history items (TTL, enabled in CloudFormation). */
export const TTL_ATTRIBUTE = 'ttl';

/** How long job, decision and statistics items are kept: long enough for a year-on-year report. */
export const HISTORY_RETENTION_DAYS = 400;
export const historyTtl = (ms: number): number => Math.floor(ms / 1000) + HISTORY_RETENTION_DAYS * 86_400;

const padMs = (ms: number) => String(ms).padStart(15, '0');

/**
 * The log of gap writes: each addGap also puts one item, in the same BatchWriteItem, at
 * pk GAPLOG#<UTC day written> sk <written at>#<gap at>#<job>, carrying the sample, its
 * scopes and the hop's idle spend when it was written with it. A reader queries the days since its last read, from that instant less `skewMs`: a
 * write stamped by another container's clock, or still in flight when the reader last looked,
 * lands up to that much "in the past". Kept `retentionMs` (TTL); a reader further behind than
 * `horizonMs` reads its scopes again instead, so one read spans at most two days. The same
 * BatchWriteItem puts the log's head (byExpiryRiders.ts), stamped alike: a container that saw
 * it with the sweep's read of the pools reads the log only when the head leaves room for a write
 * since its last read (dynamoUsageStats.ts, quietSince).
 *
 * Assumption (unsure, kept here): the head is seen through byExpiry, a global secondary index,
 * which DynamoDB updates asynchronously; `skewMs` also bounds how long a head's write takes to
 * reach the index. Should the index lag by more, a container that skipped its read on a stale
 * head learns that gap only at its next full read of the scope (a cold start or the horizon):
 * its statistics, never the ledger's pools, miss one sample meanwhile. Turn the trust off with
 * POOLWARDEN_LEDGER_RIDERS=write if an account's index lags.
 */
export const GAP_LOG = {
  partition: (writtenAtMs: number) => `GAPLOG#${historyDay(writtenAtMs)}`,
  sortKey: (writtenAtMs: number, atMs: number, job: string) => `${padMs(writtenAtMs)}#${padMs(atMs)}#${job}`,
  /** The smallest sort key written at or after `ms`. */
  sortKeyFrom: (ms: number) => padMs(ms),
  skewMs: 2 * 60_000,
  horizonMs: 86_400_000,
  retentionMs: 2 * 86_400_000,
} as const;

export const JOB_SORT_KEY = 'JOB';
export const jobKey = (name: string) => ({ [KEY.partition]: `JOB#${name}`, [KEY.sort]: JOB_SORT_KEY });

export const tableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: KEY.partition, AttributeType: 'S' },
    { AttributeName: KEY.sort, AttributeType: 'S' },
    { AttributeName: INDEX.byExpiry.partition, AttributeType: 'S' },
    { AttributeName: INDEX.byMatchKey.partition, AttributeType: 'S' },
    { AttributeName: INDEX.byOwner.partition, AttributeType: 'S' },
    { AttributeName: INDEX.byRunning.partition, AttributeType: 'S' },
    { AttributeName: 'expiresAtMs', AttributeType: 'N' },
    { AttributeName: INDEX.byDay.partition, AttributeType: 'S' },
    { AttributeName: INDEX.byDay.sort, AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: KEY.partition, KeyType: 'HASH' },
    { AttributeName: KEY.sort, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: Object.values(INDEX).map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partition, KeyType: 'HASH' },
      { AttributeName: index.sort, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  })),
});
