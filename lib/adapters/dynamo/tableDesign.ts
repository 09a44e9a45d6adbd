import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The ledger table's key shapes and indexes. serverless.yml declares the same table; a test
 * checks the packaged template against this file.
 *
 * One item per training job (pk JOB#<name>, sk JOB). Items that belong to a job's pool hop
 * (decisions, notifications) share its partition with their own sort-key prefix.
 * All three indexes are sparse: an item is in them only while its pool is Available, so the
 * sweep and reuse detection read Available pools only, never history.
 */
export const KEY = { partition: 'pk', sort: 'sk' } as const;

export const INDEX = {
  /** Available pools, soonest expiry first: the sweep's work list. */
  byExpiry: { name: 'byExpiry', partition: 'availablePartition', sort: 'expiresAtMs' },
  /** Available pools with one match key: the candidates a new job may reuse. */
  byMatchKey: { name: 'byMatchKey', partition: 'availableMatchKey', sort: 'expiresAtMs' },
  /** Available pools of one owner: near misses and `pools list --owner`. */
  byOwner: { name: 'byOwner', partition: 'availableOwner', sort: 'expiresAtMs' },
} as const;

/** The single partition value of byExpiry. Fine up to tens of thousands of Available pools. */
export const AVAILABLE_PARTITION = 'AVAILABLE';

/** Epoch seconds after which DynamoDB may delete history items (TTL, enabled in CloudFormation). */
export const TTL_ATTRIBUTE = 'ttl';

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
    { AttributeName: 'expiresAtMs', AttributeType: 'N' },
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
