import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A conditional write that did not apply: expected under duplicates and reordering, never an error. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

/**
 * What a conditional write asks to get back when it is refused: the item its condition was
 * checked against, as a consistent read would give it, without sending that read.
 */
export const RETURN_ITEM_WHEN_REFUSED = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;

/**
 * The item a refused write (sent with RETURN_ITEM_WHEN_REFUSED) was checked against; undefined
 * when the refusal carries none (there was no item, or the store does not return it): the
 * caller reads the item then.
 */
export const refusedItem = <T>(error: unknown): T | undefined => {
  if (!isConditionFailure(error)) return undefined;
  const { Item } = error as { Item?: Record<string, AttributeValue> };
  return Item ? (unmarshall(Item) as T) : undefined;
};

/**
 * Runs a conditional write: true when it applied, false when its condition did not hold (a
 * duplicate, a reordered or a lost race); any other error is thrown.
 */
export const appliedIf = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Opaque pagination cursors for CLI users: a DynamoDB LastEvaluatedKey, base64url JSON. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

export const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined =>
  cursor
    ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)
    : undefined;
