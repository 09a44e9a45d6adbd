import { historyDay } from '../domain/historyDay';
import type { JobRecord } from '../domain/jobRecord';
import { assembleChains, type PoolView, poolView } from '../domain/poolChain';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../domain/prices';
import { isPresumedTaken } from '../domain/reusePresumption';
import type { DecisionLog, DecisionRecord } from '../ports/decisionLog';
import type { Ledger } from '../ports/ledger';

/** What ops read about pools, through the ports only: the CLI's list, show, stop --all and report. */

/** A chain longer than this is a loop in bad data, not a pool. */
const MAX_CHAIN = 1_000;
const PAGE = 100;

/**
 * The pool a job belongs to, from its first job to the job holding it now: walks back through
 * `reusedPoolOf` and forward through `reusedByJob`. undefined when the ledger does not know the job.
 */
export const chainOf = async (ledger: Ledger, name: string): Promise<JobRecord[] | undefined> => {
  const start = await ledger.getJob(name);
  if (!start) return undefined;
  const chain = [start];
  const seen = new Set([start.name]);
  for (let back = start.reusedPoolOf; back && !seen.has(back) && chain.length < MAX_CHAIN; ) {
    seen.add(back);
    const record = (await ledger.getJob(back)) ?? { name: back };
    chain.unshift(record);
    back = record.reusedPoolOf;
  }
  for (let next = takerOf(start); next && !seen.has(next) && chain.length < MAX_CHAIN; ) {
    seen.add(next);
    const record = (await ledger.getJob(next)) ?? { name: next };
    chain.push(record);
    next = takerOf(record);
  }
  return chain;
};

/** Who took the pool on: SageMaker's word, or a warm start's presumption not yet confirmed (reusePresumption.ts). */
const takerOf = (record: JobRecord): string | undefined =>
  record.pool?.reusedByJob ?? (isPresumedTaken(record) ? record.pool?.presumedTakenBy : undefined);

/**
 * Every Available pool (the head job holding it), soonest expiry first. A pool presumed taken by
 * a job that started (reusePresumption.ts) is held by that job, not Available.
 */
export const availableHeads = async (
  ledger: Ledger,
  filter: { owner?: string } = {},
): Promise<JobRecord[]> => {
  if (filter.owner) return (await ledger.availableByOwner(filter.owner)).filter((r) => !isPresumedTaken(r));
  const heads: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.availablePools(PAGE, cursor);
    heads.push(...page.items.filter((r) => !isPresumedTaken(r)));
    cursor = page.cursor;
  } while (cursor);
  return heads;
};

/** The UTC days an interval touches, oldest first. */
export const daysBetween = (fromMs: number, toMs: number): string[] => {
  const days: string[] = [];
  const dayMs = 86_400_000;
  for (let t = Math.floor(fromMs / dayMs) * dayMs; t <= toMs; t += dayMs) days.push(historyDay(t));
  return days;
};

export interface History {
  readonly fromMs: number;
  readonly toMs: number;
  /** Jobs submitted in the window. */
  readonly records: readonly JobRecord[];
  /** Decisions taken in the window. */
  readonly decisions: readonly DecisionRecord[];
}

/** Jobs and decisions of a window, read day by day from the history index. */
export const readHistory = async (
  deps: { ledger: Ledger; decisions: DecisionLog },
  fromMs: number,
  toMs: number,
  onDay: (done: number, total: number) => void = () => {},
): Promise<History> => {
  const days = daysBetween(fromMs, toMs);
  const records: JobRecord[] = [];
  const decisions: DecisionRecord[] = [];
  let done = 0;
  for (const day of days) {
    let cursor: string | undefined;
    do {
      const page = await deps.ledger.jobsSubmittedOn(day, PAGE, cursor);
      for (const r of page.items) {
        const at = r.job?.createdAtMs ?? 0;
        if (at >= fromMs && at <= toMs) records.push(r);
      }
      cursor = page.cursor;
    } while (cursor);
    cursor = undefined;
    do {
      const page = await deps.decisions.decisionsOn(day, PAGE, cursor);
      for (const d of page.items) if (d.atMs >= fromMs && d.atMs <= toMs) decisions.push(d);
      cursor = page.cursor;
    } while (cursor);
    onDay(++done, days.length);
  }
  return { fromMs, toMs, records, decisions };
};

/** The pools of a set of job records, as chains. */
export const poolsOf = (records: readonly JobRecord[]): PoolView[] => assembleChains(records).map(poolView);

/** What one pool costs per hour and has cost idle so far (settled hops plus the current idle time). */
export interface PoolMoney {
  readonly hourlyUsd?: number;
  readonly idleSecondsSoFar: number;
  readonly idleCostUsd?: number;
}

export const poolMoney = (chain: readonly JobRecord[], prices: PriceTable, nowMs: number): PoolMoney => {
  const view = poolView(chain);
  const head = chain[chain.length - 1];
  const accruing =
    head?.pool?.status === 'Available' && head.pool.availableSinceMs !== undefined
      ? Math.max(0, Math.round((nowMs - head.pool.availableSinceMs) / 1000))
      : 0;
  const idleSecondsSoFar = view.idleBillableSeconds + accruing;
  const unit = view.instanceType
    ? hourlyPrice(prices, view.instanceType, head?.job?.location?.region)
    : undefined;
  const count = view.instanceCount ?? 1;
  return unit === undefined
    ? { idleSecondsSoFar }
    : {
        hourlyUsd: unit * count,
        idleSecondsSoFar,
        idleCostUsd: instanceCostUsd(idleSecondsSoFar, count, unit),
      };
};

/** The part of a history in one account and/or region (`report --account --in-region`). */
export const historyIn = (history: History, where: { account?: string; region?: string }): History => {
  if (!where.account && !where.region) return history;
  const records = history.records.filter((r) => {
    const location = r.job?.location;
    return (
      (!where.account || location?.account === where.account) &&
      (!where.region || location?.region === where.region)
    );
  });
  const names = new Set(records.map((r) => r.name));
  return { ...history, records, decisions: history.decisions.filter((d) => names.has(d.job)) };
};
