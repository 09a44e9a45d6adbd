import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimRule } from '../../domain/reconcilePeriod';
import type { ReconcileClaim, ReconcileOutcome, ReconcileSchedule } from '../../ports/reconcileSchedule';
import { isConditionFailure } from './conditions';
import { KEY } from './tableDesign';

/**
 * isReconcileDue (reconcilePeriod.ts) as a condition: the item has no start yet, or the rule's
 * due time has come. An item written before the next due time was recorded has no `dueAtMs`.
 */
const DUE_CONDITION: Readonly<Record<ClaimRule, string>> = {
  forced: 'attribute_not_exists(startedAtMs) OR startedAtMs <= :now',
  base: 'attribute_not_exists(startedAtMs) OR startedAtMs <= :baseDue',
  granted:
    'attribute_not_exists(startedAtMs) OR (startedAtMs <= :baseDue AND (attribute_not_exists(dueAtMs) OR dueAtMs <= :now))',
};

/**
 * One item per reconciled SageMaker holds when its last reconcile started, when the last one
 * whose listing was done started, and when the next is due; claiming it is one conditional
 * update, which makes the next due a base period later, and a reconcile done is one more. The home account and region
 * keeps the item it always had; another account and region (`scope`, `<account>/<region>`) has its own.
 */
export class DynamoReconcileSchedule implements ReconcileSchedule {
  private readonly key: Record<string, string>;
  /**
   * This container's own last claim and the next due time it recorded. The stored start only
   * moves forward, so until then the conditional write could only fail: the sweeps in between
   * send nothing.
   */
  private own: { readonly claimMs: number; dueAtMs: number } = {
    claimMs: Number.NEGATIVE_INFINITY,
    dueAtMs: Number.NEGATIVE_INFINITY,
  };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    scope?: string,
  ) {
    this.key = { [KEY.partition]: 'RECONCILE', [KEY.sort]: scope ? `SWEEP#${scope}` : 'SWEEP' };
  }

  async claim(nowMs: number, baseMs: number, rule: ClaimRule): Promise<ReconcileClaim> {
    if (rule !== 'forced') {
      if (this.own.claimMs > nowMs - baseMs) return { claimed: false };
      if (rule === 'granted' && this.own.dueAtMs > nowMs) return { claimed: false };
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: 'SET startedAtMs = :now, dueAtMs = :next',
          ConditionExpression: DUE_CONDITION[rule],
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':next': nowMs + baseMs,
            ...(rule === 'forced' ? {} : { ':baseDue': nowMs - baseMs }),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      this.own = { claimMs: nowMs, dueAtMs: nowMs + baseMs };
      const previous = Attributes?.startedAtMs;
      const due = Attributes?.dueAtMs;
      const full = Attributes?.fullListAtMs;
      const surprise = Attributes?.lastSurpriseAtMs;
      const listed = Attributes?.listedAtMs;
      return {
        claimed: true,
        ...(typeof previous === 'number' ? { previousStartMs: previous } : {}),
        ...(typeof listed === 'number' ? { lastListedMs: listed } : {}),
        ...(typeof previous === 'number' && typeof due === 'number' ? { grantedMs: due - previous } : {}),
        ...(typeof full === 'number' ? { lastFullListMs: full } : {}),
        ...(typeof surprise === 'number' ? { lastSurpriseAtMs: surprise } : {}),
      };
    } catch (error) {
      if (isConditionFailure(error)) return { claimed: false };
      throw error;
    }
  }

  async done(startMs: number, outcome: ReconcileOutcome): Promise<void> {
    const mine = this.own.claimMs === startMs;
    const marks = outcomeMarks(outcome);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: `SET ${['dueAtMs = :due', ...[LISTED_AT, ...marks].map((a) => `${a} = :start`)].join(', ')}`,
          ConditionExpression: 'startedAtMs = :start',
          ExpressionAttributeValues: { ':due': outcome.nextDueAtMs, ':start': startMs },
        }),
      );
      if (mine) this.own.dueAtMs = outcome.nextDueAtMs;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Claimed again since (forced, or the events ran late): the due time is that claim's; the
      // listing, the full listing and the surprise still count.
      await this.markApart(startMs, marks);
    }
  }

  /**
   * Records what a reconcile overtaken by a later claim found, each mark only forward: the later
   * reconcile may be done already, having listed (in full, or with a surprise) after this one.
   */
  private async markApart(startMs: number, marks: readonly string[]): Promise<void> {
    for (const attribute of [LISTED_AT, ...marks]) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key,
            UpdateExpression: `SET ${attribute} = :start`,
            ConditionExpression: `attribute_not_exists(${attribute}) OR ${attribute} < :start`,
            ExpressionAttributeValues: { ':start': startMs },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}

/** A reconcile's listing done: the next lists what changed from its start on (ReconcileClaim.lastListedMs). */
const LISTED_AT = 'listedAtMs';

/** What a reconcile done records beside its due time, each as of its start: the attributes set to it. */
const outcomeMarks = (outcome: ReconcileOutcome): string[] => [
  ...(outcome.fullList ? ['fullListAtMs'] : []),
  ...(outcome.surprise ? ['lastSurpriseAtMs'] : []),
];
