import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write that did not apply: expected under duplicates and reordering, never an error. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

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
