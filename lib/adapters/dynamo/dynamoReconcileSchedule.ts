import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimRule } from '../../domain/reconcilePeriod';
import type { ReconcileClaim, ReconcileOutcome, ReconcileSchedule } from '../../ports/reconcileSchedule';
import { type ByExpiryRiders, RECONCILE_RIDER_SORT_VALUE, riderIndexUpdate } from './byExpiryRiders';
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
    /**
     * What this container's ledger last saw of the item, which rides in byExpiry
     * (byExpiryRiders.ts): the sweep reads it there before it claims, so a claim the item would
     * refuse is not sent. Absent: the item is learnt from the claims alone.
     */
    private readonly riders?: ByExpiryRiders,
  ) {
    this.key = { [KEY.partition]: 'RECONCILE', [KEY.sort]: scope ? `SWEEP#${scope}` : 'SWEEP' };
  }

  /**
   * The item as the sweep's read of byExpiry saw it, when that is newer than what the container
   * knew. Between that read and the claim another container may only have claimed (the start
   * moves forward, which refuses a claim the more) or recorded a reconcile done (the due time of
   * the same start, never sooner than the base period its claim wrote), so a claim the item
   * refused then is refused now: the write the container trusts for a base period is as true.
   */
  private learnFromSighting(): void {
    const sighting = this.riders?.sighting(this.key);
    if (!sighting || sighting.seenAtMs <= this.known.learntAtMs) return;
    const { startedAtMs, dueAtMs } = sighting.item;
    if (typeof startedAtMs !== 'number') return;
    this.known = {
      startedAtMs,
      dueAtMs: typeof dueAtMs === 'number' ? dueAtMs : Number.NEGATIVE_INFINITY,
      learntAtMs: sighting.seenAtMs,
    };
  }

  async claim(nowMs: number, baseMs: number, rule: ClaimRule): Promise<ReconcileClaim> {
    this.learnFromSighting();
    const known = this.known;
    if (rule !== 'forced') {
      if (known.startedAtMs > nowMs - baseMs) return refused(known);
      if (rule === 'granted' && known.dueAtMs > nowMs && known.learntAtMs > nowMs - baseMs)
        return refused(known);
    }
    // With riders, it rides in byExpiry from its first claim on (byExpiryRiders.ts).
    const rider = this.riders ? riderIndexUpdate(RECONCILE_RIDER_SORT_VALUE) : undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: `SET startedAtMs = :now, dueAtMs = :next${rider ? `, ${rider.clause}` : ''}`,
          ConditionExpression: DUE_CONDITION[rule],
          ...(rider ? { ExpressionAttributeNames: rider.names } : {}),
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':next': nowMs + baseMs,
            ...rider?.values,
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
      const resumeFrom = Attributes?.[RESUME_FROM];
      const resumeStarted = Attributes?.[RESUME_STARTED];
      return {
        claimed: true,
        ...(typeof previous === 'number' ? { previousStartMs: previous } : {}),
        ...(typeof listed === 'number' ? { lastListedMs: listed } : {}),
        ...(typeof previous === 'number' && typeof due === 'number' ? { grantedMs: due - previous } : {}),
        ...(typeof full === 'number' ? { lastFullListMs: full } : {}),
        ...(typeof surprise === 'number' ? { lastSurpriseAtMs: surprise } : {}),
        ...(typeof resumeFrom === 'number' && typeof resumeStarted === 'number'
          ? { fullListResume: { fromMs: resumeFrom, startedMs: resumeStarted } }
          : {}),
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = refusedItem<{ startedAtMs?: unknown; dueAtMs?: unknown }>(error);
      if (typeof item?.startedAtMs !== 'number') return { claimed: false };
      this.known = {
        startedAtMs: item.startedAtMs,
        dueAtMs: typeof item.dueAtMs === 'number' ? item.dueAtMs : Number.NEGATIVE_INFINITY,
        learntAtMs: nowMs,
      };
      return refused(this.known);
    }
  }

  async done(startMs: number, outcome: ReconcileOutcome): Promise<void> {
    const marks = outcomeMarks(startMs, outcome);
    const values: Record<string, number> = { ':due': outcome.nextDueAtMs, ':start': startMs };
    const sets = ['dueAtMs = :due'];
    marks.forEach(([attribute, value], i) => {
      values[`:m${i}`] = value;
      sets.push(`${attribute} = :m${i}`);
    });
    const resume = outcome.fullListResume;
    if (resume) {
      values[':resumeFrom'] = resume.fromMs;
      values[':resumeStarted'] = resume.startedMs;
      sets.push(`${RESUME_FROM} = :resumeFrom`, `${RESUME_STARTED} = :resumeStarted`);
    }
    const removes = outcome.fullList ? ` REMOVE ${RESUME_FROM}, ${RESUME_STARTED}` : '';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: `SET ${sets.join(', ')}${removes}`,
          ConditionExpression: 'startedAtMs = :start',
          ExpressionAttributeValues: values,
        }),
      );
      // The item is as this write left it.
      if (this.known.startedAtMs === startMs) this.known = { ...this.known, dueAtMs: outcome.nextDueAtMs };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Claimed again since (forced, or the events ran late): the due time is that claim's; the
      // listing, the full listing and the surprise still count. A full listing's progress does
      // not: the later reconcile holds it, and a part overtaken is listed again.
      await this.markApart(marks);
    }
  }

  /**
   * Records what a reconcile overtaken by a later claim found, each mark only forward: the later
   * reconcile may be done already, having listed (in full, or with a surprise) after this one.
   */
  private async markApart(marks: readonly (readonly [string, number])[]): Promise<void> {
    for (const [attribute, value] of marks) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key,
            UpdateExpression: `SET ${attribute} = :mark`,
            ConditionExpression: `attribute_not_exists(${attribute}) OR ${attribute} < :mark`,
            ExpressionAttributeValues: { ':mark': value },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}

/** A claim refused, with the reconcile in force as the container knows the item (an item with no due time tells none). */
const refused = (known: { readonly startedAtMs: number; readonly dueAtMs: number }): ReconcileClaim =>
  Number.isFinite(known.startedAtMs) && Number.isFinite(known.dueAtMs)
    ? { claimed: false, inForce: { startedAtMs: known.startedAtMs, dueAtMs: known.dueAtMs } }
    : { claimed: false };

/** A reconcile's listing done: the next lists what changed from its start on (ReconcileClaim.lastListedMs). */
const LISTED_AT = 'listedAtMs';

/** Where a full listing under way resumes, and when it started (FullListResume). */
const RESUME_FROM = 'fullListResumeFromMs';
const RESUME_STARTED = 'fullListResumeStartedMs';

/**
 * What a reconcile done records beside its due time, each as of its start (a full listing that
 * went on across reconciles, as of its first part's): the attributes and their values.
 */
const outcomeMarks = (startMs: number, outcome: ReconcileOutcome): [string, number][] => [
  ...listedMark(startMs, outcome),
  ...(outcome.fullList ? [['fullListAtMs', outcome.fullListStartedMs ?? startMs] as [string, number]] : []),
  ...(outcome.surprise ? [['lastSurpriseAtMs', startMs] as [string, number]] : []),
];

/**
 * Up to when what changed counts as listed: the reconcile's own write may move it back (ends it
 * left unadopted), a write apart only forward (markApart).
 */
const listedMark = (startMs: number, outcome: ReconcileOutcome): [string, number][] => [
  [LISTED_AT, outcome.listedThroughMs ?? startMs],
];
