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

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    scope?: string,
  ) {
    this.key = { [KEY.partition]: 'RECONCILE', [KEY.sort]: scope ? `SWEEP#${scope}` : 'SWEEP' };
  }

  async claim(nowMs: number, everyMs: number): Promise<ReconcileClaim> {
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
