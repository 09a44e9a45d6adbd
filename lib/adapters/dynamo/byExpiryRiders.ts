import type { Clock } from '../../ports/clock';
import { AVAILABLE_PARTITION, INDEX, JOB_SORT_KEY, KEY } from './tableDesign';

/**
 * Items that ride in byExpiry's one partition, ahead of every pool (a negative `expiresAtMs`):
 * the sweep reads that partition every minute, so what they say comes with that read, at no
 * request of its own. None is a job: the ledger hands them here and returns only the pools.
 *
 * The gap log's head (GAPLOG#HEAD) is put in every gap write's BatchWriteItem beside the log
 * item, stamped as that item is (dynamoUsageStats.ts): a container that saw it can tell that
 * the log has nothing new for it without reading the log. Each reconcile schedule's item
 * (dynamoReconcileSchedule.ts) rides there from its first claim on: a sweep learns from it
 * whether its claim would be refused before sending it.
 */
export const GAP_LOG_HEAD = {
  key: { [KEY.partition]: 'GAPLOG#HEAD', [KEY.sort]: 'HEAD' },
  sortValue: -2,
} as const;

/**
 * How long a sighting of the gap log's head stands in for a read of the log: the sweep's reads
 * of its pools' statistics come at once after its read of the pools; a sweep waiting within its
 * invocation (its catch-up listings, every 10 s) reads the log again when it asks later.
 */
export const SIGHTING_FRESH_MS = 5_000;

/** Where the reconcile schedules' items ride (several scopes share it: the index's sort key need not be unique). */
export const RECONCILE_RIDER_SORT_VALUE = -1;

/** The attributes that put an item in byExpiry's partition at `sortValue`, ahead of the pools. */
export const riderIndexAttributes = (sortValue: number): Record<string, unknown> => ({
  [INDEX.byExpiry.partition]: AVAILABLE_PARTITION,
  [INDEX.byExpiry.sort]: sortValue,
});

/** The same attributes as an UpdateExpression's SET clause, with its names and values. */
export const riderIndexUpdate = (
  sortValue: number,
): {
  readonly clause: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
} => {
  const entries = Object.entries(riderIndexAttributes(sortValue));
  return {
    clause: entries.map((_, i) => `#rider${i} = :rider${i}`).join(', '),
    names: Object.fromEntries(entries.map(([name], i) => [`#rider${i}`, name])),
    values: Object.fromEntries(entries.map(([, value], i) => [`:rider${i}`, value])),
  };
};

/** Whether an item of byExpiry is a rider, not a job's pool. */
export const isRider = (item: Readonly<Record<string, unknown>>): boolean => item[KEY.sort] !== JOB_SORT_KEY;

/** A rider as last seen: the item, and an instant before the read that returned it began. */
export interface Sighting {
  readonly item: Readonly<Record<string, unknown>>;
  readonly seenAtMs: number;
}

/**
 * What one container last saw of the riders, shared by its ledger (which reads them) and the
 * adapters they speak for. A sighting tells the item as it stood at `seenAtMs` or later.
 */
export class ByExpiryRiders {
  private readonly seen = new Map<string, Sighting>();

  constructor(
    private readonly clock: Clock,
    private readonly options: {
      /**
       * Whether a sighting of the gap log's head may spare a read of the log: only once every
       * container that writes gaps writes the head (none of an earlier version is left).
       */
      readonly trustGapLogHead: boolean;
    } = { trustGapLogHead: true },
  ) {}

  get trustsGapLogHead(): boolean {
    return this.options.trustGapLogHead;
  }

  /** An instant before a read of byExpiry begins: what it returns stood then or later. */
  readStarts(): number {
    return this.clock.now();
  }

  saw(item: Readonly<Record<string, unknown>>, seenAtMs: number): void {
    const key = riderKey(item);
    const known = this.seen.get(key);
    if (!known || known.seenAtMs <= seenAtMs) this.seen.set(key, { item, seenAtMs });
  }

  sighting(key: Readonly<Record<string, unknown>>): Sighting | undefined {
    return this.seen.get(riderKey(key));
  }
}

const riderKey = (item: Readonly<Record<string, unknown>>): string =>
  `${String(item[KEY.partition])}\n${String(item[KEY.sort])}`;
