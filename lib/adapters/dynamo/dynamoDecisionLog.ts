import { type DynamoDBDocumentClient, PutCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { historyDay } from '../../domain/historyDay';
import type { DecisionLog, DecisionRecord } from '../../ports/decisionLog';
import type { Page } from '../../ports/ledger';
import { decodeCursor, encodeCursor, isConditionFailure } from './conditions';
import { historyTtl, INDEX, KEY, TTL_ATTRIBUTE } from './tableDesign';

const DECISION_PREFIX = 'DECISION#';

/**
 * Decisions live in their job's partition under their dedupe key, so that recording one is a
 * single conditional put: the same decision retried is recorded once, and nothing is half
 * written. byDay indexes them for reports.
 */
/** How many recorded keys a container remembers; past it, it starts over (a put only costs a write). */
const KNOWN_KEYS = 20_000;

export class DynamoDecisionLog implements DecisionLog {
  /**
   * Decisions this container has seen recorded (its own puts, or puts refused because one was
   * there). A decision is never removed but by its TTL long after, so a policy that makes the
   * same decision at every sweep (a warning already given) writes it once per container.
   */
  private readonly known = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(decision: DecisionRecord): Promise<boolean> {
    const key = `${decision.job}\n${decision.dedupeKey}`;
    if (this.known.has(key)) return false;
    const recorded = await this.put(decision);
    if (this.known.size >= KNOWN_KEYS) this.known.clear();
    this.known.add(key);
    return recorded;
  }

  private async put(decision: DecisionRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...decision,
            [KEY.partition]: `JOB#${decision.job}`,
            [KEY.sort]: `${DECISION_PREFIX}${decision.dedupeKey}`,
            [INDEX.byDay.partition]: historyDay(decision.atMs),
            [INDEX.byDay.sort]: decision.atMs,
            [TTL_ATTRIBUTE]: historyTtl(decision.atMs),
            itemType: 'decision',
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async decisionsOf(job: string): Promise<DecisionRecord[]> {
    const decisions: DecisionRecord[] = [];
    for await (const page of paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `JOB#${job}`, ':prefix': DECISION_PREFIX },
        // The check for a click already acted on (claimClick.ts) reads these: a second click
        // right after the first must see its decision, or it acts (extends) a second time.
        ConsistentRead: true,
      },
    )) {
      for (const item of page.Items ?? []) decisions.push(toDecision(item));
    }
    return decisions.sort((a, b) => a.atMs - b.atMs);
  }

  async decisionsOn(day: string, limit: number, cursor?: string): Promise<Page<DecisionRecord>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.byDay.name,
        KeyConditionExpression: '#day = :day',
        FilterExpression: 'itemType = :decision',
        ExpressionAttributeNames: { '#day': INDEX.byDay.partition },
        ExpressionAttributeValues: { ':day': day, ':decision': 'decision' },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const next = encodeCursor(LastEvaluatedKey);
    return { items: (Items ?? []).map(toDecision), ...(next ? { cursor: next } : {}) };
  }
}

const STORAGE_ATTRIBUTES = new Set([
  KEY.partition,
  KEY.sort,
  INDEX.byDay.partition,
  INDEX.byDay.sort,
  TTL_ATTRIBUTE,
  'itemType',
]);

const toDecision = (item: Record<string, unknown>): DecisionRecord =>
  Object.fromEntries(
    Object.entries(item).filter(([k]) => !STORAGE_ATTRIBUTES.has(k)),
  ) as unknown as DecisionRecord;
