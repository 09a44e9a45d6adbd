import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { type JobItem, recordFromItem } from '../../../lib/adapters/dynamo/jobItem';
import { JOB_SORT_KEY, KEY } from '../../../lib/adapters/dynamo/tableDesign';
import type { JobRecord } from '../../../lib/domain/jobRecord';

/**
 * Every job record of a local ledger. A scan is fine for a report on a laptop's dynalite;
 * nothing deployed scans the table.
 */
export const readAllJobRecords = async (
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<JobRecord[]> => {
  const records: JobRecord[] = [];
  for await (const page of paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: '#sk = :job',
      ExpressionAttributeNames: { '#sk': KEY.sort },
      ExpressionAttributeValues: { ':job': JOB_SORT_KEY },
    },
  )) {
    for (const item of page.Items ?? []) records.push(recordFromItem(item as JobItem));
  }
  return records;
};
