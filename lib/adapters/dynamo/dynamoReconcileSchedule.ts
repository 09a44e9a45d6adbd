import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReconcileClaim, ReconcileSchedule } from '../../ports/reconcileSchedule';
import { isConditionFailure } from './conditions';
import { KEY } from './tableDesign';

/**
 * One item per reconciled SageMaker holds when its last reconcile started; claiming it is one
 * conditional update. The home account and region keeps the item it always had; another
 * account and region (`scope`, `<account>/<region>`) has its own.
 */
export class DynamoReconcileSchedule implements ReconcileSchedule {
  private readonly key: Record<string, string>;
  /**
   * This container's own last claim. The stored start only moves forward, so until a period
   * after it the conditional write could only fail: the sweeps in between send nothing.
   */
  private ownClaimMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    scope?: string,
  ) {
    this.key = { [KEY.partition]: 'RECONCILE', [KEY.sort]: scope ? `SWEEP#${scope}` : 'SWEEP' };
  }

  async claim(nowMs: number, everyMs: number): Promise<ReconcileClaim> {
    if (this.ownClaimMs > nowMs - everyMs) return { claimed: false };
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: 'SET startedAtMs = :now',
          ConditionExpression: 'attribute_not_exists(startedAtMs) OR startedAtMs <= :due',
          ExpressionAttributeValues: { ':now': nowMs, ':due': nowMs - everyMs },
          ReturnValues: 'ALL_OLD',
        }),
      );
      this.ownClaimMs = nowMs;
      const previous = Attributes?.startedAtMs;
      const full = Attributes?.fullListAtMs;
      return {
        claimed: true,
        ...(typeof previous === 'number' ? { previousStartMs: previous } : {}),
        ...(typeof full === 'number' ? { lastFullListMs: full } : {}),
      };
    } catch (error) {
      if (isConditionFailure(error)) return { claimed: false };
      throw error;
    }
  }

  async fullListDone(startMs: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key,
        UpdateExpression: 'SET fullListAtMs = :at',
        ExpressionAttributeValues: { ':at': startMs },
      }),
    );
  }
}
