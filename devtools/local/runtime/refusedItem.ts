import type { WireAnswer, WireRequest } from './inProcessHandler';

interface ConditionalWrite {
  readonly TableName?: string;
  readonly Key?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

/**
 * DynamoDB answers a conditional write refused with `ReturnValuesOnConditionCheckFailure: ALL_OLD`
 * with the item its condition was checked against; dynalite predates the parameter and ignores
 * it. This adds that item to dynalite's refusal of an update or delete, read from the same store
 * right after the refusal, as part of the same request (`read` is neither counted nor faulted),
 * so the adapters get the answer DynamoDB gives them. Any other answer is left as it is.
 */
export const withRefusedItem = async (
  request: WireRequest,
  answer: WireAnswer,
  read: (request: WireRequest) => WireAnswer | Promise<WireAnswer>,
): Promise<WireAnswer> => {
  if (answer.status !== 400 || !answer.body.includes('ConditionalCheckFailedException')) return answer;
  if (!request.body.includes('ReturnValuesOnConditionCheckFailure')) return answer;
  const write = JSON.parse(request.body) as ConditionalWrite;
  const [api] = (request.headers['x-amz-target'] ?? '').split('.');
  if (write.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD' || !write.Key || !api) return answer;
  const got = await read({
    ...request,
    headers: { ...request.headers, 'x-amz-target': `${api}.GetItem` },
    body: JSON.stringify({ TableName: write.TableName, Key: write.Key, ConsistentRead: true }),
  });
  const { Item } = got.status === 200 ? (JSON.parse(got.body) as { Item?: unknown }) : {};
  if (!Item) return answer;
  const body = JSON.stringify({ ...(JSON.parse(answer.body) as object), Item });
  return {
    ...answer,
    headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) },
    body,
  };
};
