import { locationLabel } from '../domain/jobLocation';
import type { JobRecord } from '../domain/jobRecord';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../domain/prices';
import type { DecisionRecord } from '../ports/decisionLog';
import { type History, poolsOf } from './poolQueries';

/** When no cold start was observed in the window: the seed article's P90 cold start, in the emulator's default. */
export const DEFAULT_COLD_STARTUP_SECONDS = 143;

export interface GroupFigures {
  readonly jobs: number;
  readonly reuses: number;
  readonly idleBillableSeconds: number;
  readonly idleCostUsd: number;
}

export interface TimelineSegment {
  readonly kind: 'busy' | 'idle';
  readonly job: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface TimelineMark {
  readonly kind: 'reused' | 'extended' | 'stopped' | 'ended';
  readonly atMs: number;
  readonly job: string;
  readonly label: string;
}

export interface PoolTimeline {
  readonly poolId: string;
  readonly owner?: string;
  readonly team?: string;
  readonly instanceType?: string;
  readonly status: string;
  readonly reuseCount: number;
  readonly idleCostUsd: number;
  readonly segments: readonly TimelineSegment[];
  readonly marks: readonly TimelineMark[];
}

export interface OpsReport {
  readonly fromMs: number;
  readonly toMs: number;
  readonly totals: {
    readonly jobs: number;
    readonly reuses: number;
    /** Reuses over jobs, 0..1. */
    readonly reuseRate: number;
    readonly coldStartsAvoided: number;
    readonly startupSecondsSaved: number;
    readonly idleBillableSeconds: number;
    readonly idleCostUsd: number;
    readonly nearMisses: number;
    readonly keepAliveWithoutPool: number;
    readonly pools: number;
    readonly availableNow: number;
  };
  readonly byTeam: Readonly<Record<string, GroupFigures>>;
  readonly byOwner: Readonly<Record<string, GroupFigures>>;
  /** By `<account>/<region>` (`(none)` for jobs recorded before there were several accounts). */
  readonly byAccount: Readonly<Record<string, GroupFigures>>;
  /** Decisions by action and outcome, e.g. `stop/applied`. */
  readonly actions: Readonly<Record<string, number>>;
  /** Decisions by who took them: policy, operator, slack. */
  readonly actors: Readonly<Record<string, number>>;
  /** Instance types with no price in the table: their idle time is counted, not priced. */
  readonly unpricedInstanceTypes: readonly string[];
  readonly pools: readonly PoolTimeline[];
}

const idleSecondsOf = (record: JobRecord, nowMs: number, toMs: number): number => {
  const pool = record.pool;
  if (!pool) return 0;
  if (pool.billableSeconds !== undefined) return pool.billableSeconds;
  if (pool.status === 'Available' && pool.availableSinceMs !== undefined)
    return Math.max(0, Math.round((Math.min(nowMs, toMs) - pool.availableSinceMs) / 1000));
  return 0;
};

const UNKNOWN = '(none)';

/**
 * The ops report of a window: reuse, startup time saved, idle billable time and its cost by
 * team and owner, and the actions taken. Every cost comes from the price table.
 */
export const buildOpsReport = (history: History, prices: PriceTable, nowMs: number): OpsReport => {
  const { records, decisions } = history;
  const unpriced = new Set<string>();
  const costOf = (record: JobRecord, seconds: number): number => {
    const type = record.job?.criteria.instanceType;
    if (!type || seconds === 0) return 0;
    const unit = hourlyPrice(prices, type, record.job?.location?.region);
    if (unit === undefined) {
      unpriced.add(type);
      return 0;
    }
    return instanceCostUsd(seconds, record.job?.criteria.instanceCount ?? 1, unit);
  };

  const byTeam: Record<string, GroupFigures> = {};
  const byOwner: Record<string, GroupFigures> = {};
  const byAccount: Record<string, GroupFigures> = {};
  const add = (groups: Record<string, GroupFigures>, key: string, delta: GroupFigures) => {
    const g = groups[key] ?? { jobs: 0, reuses: 0, idleBillableSeconds: 0, idleCostUsd: 0 };
    groups[key] = {
      jobs: g.jobs + delta.jobs,
      reuses: g.reuses + delta.reuses,
      idleBillableSeconds: g.idleBillableSeconds + delta.idleBillableSeconds,
      idleCostUsd: g.idleCostUsd + delta.idleCostUsd,
    };
  };

  let reuses = 0;
  let idleSeconds = 0;
  let idleCost = 0;
  const coldStartups: number[] = [];
  const warmStartups: number[] = [];
  for (const r of records) {
    const reused = r.reusedPoolOf !== undefined;
    if (reused) reuses++;
    const seconds = idleSecondsOf(r, nowMs, history.toMs);
    const cost = costOf(r, seconds);
    idleSeconds += seconds;
    idleCost += cost;
    const delta = { jobs: 1, reuses: reused ? 1 : 0, idleBillableSeconds: seconds, idleCostUsd: cost };
    add(byTeam, r.job?.team ?? UNKNOWN, delta);
    add(byOwner, r.job?.owner ?? UNKNOWN, delta);
    add(byAccount, r.job?.location ? locationLabel(r.job.location) : UNKNOWN, delta);
    const started = r.job?.startedAtMs;
    const created = r.job?.createdAtMs;
    if (started !== undefined && created !== undefined) {
      (reused ? warmStartups : coldStartups).push((started - created) / 1000);
    }
  }
  const coldMean =
    coldStartups.length > 0
      ? coldStartups.reduce((a, b) => a + b, 0) / coldStartups.length
      : DEFAULT_COLD_STARTUP_SECONDS;
  const startupSecondsSaved = warmStartups.reduce((sum, s) => sum + Math.max(0, coldMean - s), 0);

  const actions: Record<string, number> = {};
  const actors: Record<string, number> = {};
  for (const d of decisions) {
    const key = `${d.action}/${d.outcome}`;
    actions[key] = (actions[key] ?? 0) + 1;
    const actor = d.actor.split(':')[0] ?? d.actor;
    actors[actor] = (actors[actor] ?? 0) + 1;
  }

  const byName = new Map(records.map((r) => [r.name, r]));
  const decisionsByJob = new Map<string, DecisionRecord[]>();
  for (const d of decisions) decisionsByJob.set(d.job, [...(decisionsByJob.get(d.job) ?? []), d]);
  const views = poolsOf(records);
  const pools: PoolTimeline[] = views.map((view) => {
    const segments: TimelineSegment[] = [];
    const marks: TimelineMark[] = [];
    let cost = 0;
    view.jobs.forEach((name, i) => {
      const r = byName.get(name);
      const job = r?.job;
      if (!r || !job) return;
      const busyFrom = job.startedAtMs ?? job.createdAtMs;
      const busyTo = job.endedAtMs ?? Math.min(nowMs, history.toMs);
      segments.push({ kind: 'busy', job: name, fromMs: busyFrom, toMs: busyTo });
      const pool = r.pool;
      if (pool?.availableSinceMs !== undefined) {
        const next = view.jobs[i + 1];
        const nextJob = next ? byName.get(next)?.job : undefined;
        const idleTo =
          nextJob?.createdAtMs ??
          (pool.billableSeconds !== undefined
            ? pool.availableSinceMs + pool.billableSeconds * 1000
            : Math.min(nowMs, history.toMs));
        segments.push({ kind: 'idle', job: name, fromMs: pool.availableSinceMs, toMs: idleTo });
        if (next) marks.push({ kind: 'reused', atMs: idleTo, job: name, label: `reused by ${next}` });
        else if (pool.status === 'Terminated')
          marks.push({
            kind: pool.stoppedBy ? 'stopped' : 'ended',
            atMs: idleTo,
            job: name,
            label: pool.stoppedBy ? `stopped by ${pool.stoppedBy}` : 'ended',
          });
      }
      cost += costOf(r, idleSecondsOf(r, nowMs, history.toMs));
      for (const d of decisionsByJob.get(name) ?? []) {
        if (d.action === 'extend' && d.outcome === 'applied')
          marks.push({ kind: 'extended', atMs: d.atMs, job: name, label: `extended by ${d.actor}` });
      }
    });
    return {
      poolId: view.poolId,
      ...(view.owner ? { owner: view.owner } : {}),
      ...(view.team ? { team: view.team } : {}),
      ...(view.instanceType ? { instanceType: view.instanceType } : {}),
      status: view.status,
      reuseCount: view.reuseCount,
      idleCostUsd: cost,
      segments,
      marks: marks.sort((a, b) => a.atMs - b.atMs),
    };
  });

  return {
    fromMs: history.fromMs,
    toMs: history.toMs,
    totals: {
      jobs: records.length,
      reuses,
      reuseRate: records.length > 0 ? reuses / records.length : 0,
      coldStartsAvoided: reuses,
      startupSecondsSaved: Math.round(startupSecondsSaved),
      idleBillableSeconds: idleSeconds,
      idleCostUsd: idleCost,
      nearMisses: records.filter((r) => r.nearMiss).length,
      keepAliveWithoutPool: records.filter((r) => r.noPool).length,
      pools: views.length,
      availableNow: views.filter((v) => v.status === 'Available').length,
    },
    byTeam,
    byAccount,
    byOwner,
    actions,
    actors,
    unpricedInstanceTypes: [...unpriced].sort(),
    pools,
  };
};
