import type { JobRecord } from './jobRecord';
import { isPresumedTaken, presumedBillableSeconds } from './reusePresumption';

/**
 * A warm pool is a chain of jobs handing one cluster on. The ledger stores facts per job;
 * everything about a pool as a whole is derived here, so it cannot drift from those facts.
 */
export type PoolStatus = 'InUse' | 'Available' | 'Terminated';
export type PoolEnd = 'expired' | 'stopped' | 'ended-early';

export interface PoolHop {
  readonly fromJob: string;
  readonly toJob: string;
  /** From the pool becoming Available to the next job's submission. */
  readonly idleGapSeconds?: number;
  readonly billableSeconds?: number;
}

export interface PoolView {
  /** The name of the job that first left the pool. */
  readonly poolId: string;
  readonly jobs: readonly string[];
  readonly headJob: string;
  readonly status: PoolStatus;
  readonly reuseCount: number;
  readonly hops: readonly PoolHop[];
  readonly idleBillableSeconds: number;
  readonly expiresAtMs?: number;
  readonly availableSinceMs?: number;
  readonly endedBy?: PoolEnd;
  readonly matchKey?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly owner?: string;
  readonly team?: string;
}

/** SageMaker's billable seconds are whole numbers and the emulator's clock ticks: allow a little slack. */
const EXPIRY_TOLERANCE_SECONDS = 90;

export const classifyPoolEnd = (head: JobRecord): PoolEnd | undefined => {
  const pool = head.pool;
  if (pool?.status !== 'Terminated') return undefined;
  if (pool.stoppedBy) return 'stopped';
  if (
    pool.availableSinceMs === undefined ||
    pool.expiresAtMs === undefined ||
    pool.billableSeconds === undefined
  ) {
    return 'expired';
  }
  const endedAtMs = pool.availableSinceMs + pool.billableSeconds * 1000;
  return endedAtMs + EXPIRY_TOLERANCE_SECONDS * 1000 < pool.expiresAtMs ? 'ended-early' : 'expired';
};

/**
 * The job that took the pool on: SageMaker's word, or the job a warm start presumed took it
 * while the next reconcile has yet to confirm it (reusePresumption.ts).
 */
const successorOf = (record: JobRecord, byPredecessor: ReadonlyMap<string, JobRecord>): string | undefined =>
  record.pool?.reusedByJob ?? presumedTaker(record) ?? byPredecessor.get(record.name)?.name;

const presumedTaker = (record: JobRecord): string | undefined =>
  isPresumedTaken(record) ? record.pool?.presumedTakenBy : undefined;

/** The seconds a hop sat idle: as SageMaker billed them, or as a presumed reuse told them. */
const hopBillableSeconds = (record: JobRecord): number | undefined =>
  record.pool?.billableSeconds ?? (record.pool && presumedBillableSeconds(record.pool));

/** What a pool view says of its cluster, from the newest job record of the chain that has one. */
export const describedFields = (described: JobRecord['job']) =>
  described
    ? {
        matchKey: described.matchKey,
        instanceType: described.criteria.instanceType,
        instanceCount: described.criteria.instanceCount,
        ...(described.owner ? { owner: described.owner } : {}),
        ...(described.team ? { team: described.team } : {}),
      }
    : {};

/** Chains in the order their pools were born; each chain runs from its first job to its head. */
export const assembleChains = (records: readonly JobRecord[]): JobRecord[][] => {
  const byName = new Map(records.map((r) => [r.name, r]));
  const byPredecessor = new Map<string, JobRecord>();
  for (const r of records) if (r.reusedPoolOf) byPredecessor.set(r.reusedPoolOf, r);

  const isRoot = (r: JobRecord) => r.pool !== undefined && !(r.reusedPoolOf && byName.has(r.reusedPoolOf));
  const chains: JobRecord[][] = [];
  for (const root of records.filter(isRoot)) {
    const chain = [root];
    const seen = new Set([root.name]);
    let next = successorOf(root, byPredecessor);
    while (next && !seen.has(next)) {
      seen.add(next);
      const record = byName.get(next) ?? { name: next };
      chain.push(record);
      next = successorOf(record, byPredecessor);
    }
    chains.push(chain);
  }
  return chains.sort((a, b) => bornAt(a) - bornAt(b) || (a[0]?.name ?? '').localeCompare(b[0]?.name ?? ''));
};

const bornAt = (chain: readonly JobRecord[]): number =>
  chain[0]?.pool?.availableSinceMs ?? chain[0]?.job?.endedAtMs ?? Number.MAX_SAFE_INTEGER;

export const poolStatusOf = (head: JobRecord): PoolStatus => {
  switch (head.pool?.status) {
    case 'Available':
      return 'Available';
    case 'Terminated':
      return 'Terminated';
    default:
      // InUse, or Reused by a job not yet recorded: either way a job holds the cluster.
      return 'InUse';
  }
};

const optionalBillable = (billableSeconds: number | undefined) =>
  billableSeconds === undefined ? {} : { billableSeconds };

export const poolView = (chain: readonly JobRecord[]): PoolView => {
  const root = chain[0];
  const head = chain[chain.length - 1];
  if (!root || !head) throw new RangeError('a pool chain has at least one job');
  const hops: PoolHop[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const from = chain[i] as JobRecord;
    const to = chain[i + 1] as JobRecord;
    const since = from.pool?.availableSinceMs;
    const arrived = to.job?.createdAtMs;
    hops.push({
      fromJob: from.name,
      toJob: to.name,
      ...(since !== undefined && arrived !== undefined
        ? { idleGapSeconds: Math.max(0, Math.round((arrived - since) / 1000)) }
        : {}),
      ...optionalBillable(hopBillableSeconds(from)),
    });
  }
  const described = [...chain].reverse().find((r) => r.job)?.job;
  const endedBy = classifyPoolEnd(head);
  return {
    poolId: root.name,
    jobs: chain.map((r) => r.name),
    headJob: head.name,
    status: poolStatusOf(head),
    reuseCount: chain.length - 1,
    hops,
    idleBillableSeconds: chain.reduce((sum, r) => sum + (hopBillableSeconds(r) ?? 0), 0),
    ...(head.pool?.expiresAtMs !== undefined ? { expiresAtMs: head.pool.expiresAtMs } : {}),
    ...(head.pool?.availableSinceMs !== undefined ? { availableSinceMs: head.pool.availableSinceMs } : {}),
    ...(endedBy ? { endedBy } : {}),
    ...describedFields(described),
  };
};
