import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimRule } from '../../domain/reconcilePeriod';
import type { ReconcileClaim, ReconcileOutcome, ReconcileSchedule } from '../../ports/reconcileSchedule';
import { isConditionFailure, RETURN_ITEM_WHEN_REFUSED, refusedItem } from './conditions';
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
   * The item as this container last learnt it (its own claim or done, or the item a refused
   * claim came back with), and when. The stored start only moves forward, so a claim within a
   * base period of it could only fail. The due time may have moved sooner since (another
   * container's forced or base claim), so it is trusted for a base period after it was learnt:
   * the sweeps in between send nothing, and then one asks again.
   */
  private known = {
    startedAtMs: Number.NEGATIVE_INFINITY,
    dueAtMs: Number.NEGATIVE_INFINITY,
    learntAtMs: Number.NEGATIVE_INFINITY,
  };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    scope?: string,
  ) {
    this.key = { [KEY.partition]: 'RECONCILE', [KEY.sort]: scope ? `SWEEP#${scope}` : 'SWEEP' };
  }

  async claim(nowMs: number, baseMs: number, rule: ClaimRule): Promise<ReconcileClaim> {
    const known = this.known;
    if (rule !== 'forced') {
      if (known.startedAtMs > nowMs - baseMs) return { claimed: false };
      if (rule === 'granted' && known.dueAtMs > nowMs && known.learntAtMs > nowMs - baseMs)
        return { claimed: false };
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
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      this.known = { startedAtMs: nowMs, dueAtMs: nowMs + baseMs, learntAtMs: nowMs };
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
      if (!isConditionFailure(error)) throw error;
      const item = refusedItem<{ startedAtMs?: unknown; dueAtMs?: unknown }>(error);
      if (typeof item?.startedAtMs === 'number')
        this.known = {
          startedAtMs: item.startedAtMs,
          dueAtMs: typeof item.dueAtMs === 'number' ? item.dueAtMs : Number.NEGATIVE_INFINITY,
          learntAtMs: nowMs,
        };
      return { claimed: false };
    }
  }

  async done(startMs: number, outcome: ReconcileOutcome): Promise<void> {
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
      // The item is as this write left it.
      if (this.known.startedAtMs === startMs) this.known = { ...this.known, dueAtMs: outcome.nextDueAtMs };
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
