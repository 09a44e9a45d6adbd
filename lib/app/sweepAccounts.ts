import { errorMessage } from '../domain/errorMessage';
import { type JobLocation, locationLabel, parseJobRef, sameLocation } from '../domain/jobLocation';
import type { JobRecord } from '../domain/jobRecord';
import type { AccountAccess } from '../ports/accountAccess';
import type { Ledger } from '../ports/ledger';
import type { Pause } from '../ports/pause';
import { type CatchUpAccount, type CatchUpReport, catchUpLateEnds } from './catchUpListings';
import { readAllPages } from './readAllPages';
import { claimReconcile, type ReconcileDeps } from './reconcilePlan';
import { type SweepDeps, type SweepReport, sweep } from './sweep';

export interface SweepAccountsDeps extends SweepDeps {
  /** The deployment's own account and region; absent: one account, one region. */
  readonly home?: JobLocation;
  readonly access: AccountAccess;
  /**
   * The reconciler of an account and region other than home (its own SageMaker listing and its
   * own reconcile schedule); absent, or undefined for a location: that location's pools are
   * described once per reconcile period instead, and `reconciler` serves the home alone.
   */
  readonly reconcilerFor?: (location: JobLocation) => ReconcileDeps | undefined;
  /**
   * Accounts and regions reconciled whatever the ledger holds there: a pool or a job end whose
   * events were all lost in an account with no Available pool is found at its next reconcile.
   */
  readonly members?: readonly JobLocation[];
  /**
   * While an account's end events run late, the sweep lists what changed every `everyMs` within
   * its invocation, waiting through `pause`, until shortly before the next scheduled sweep
   * (catchUpListings.ts). Absent, or a forced reconcile: the sweep ends after its own listing.
   */
  readonly catchUp?: { readonly pause: Pause; readonly everyMs: number };
  /**
   * When the scheduled event that started this sweep was due: the catch-up listings' grid and end are
   * counted from it, so that a late start cannot run into the next scheduled sweep. Absent: the
   * sweep's own start.
   */
  readonly scheduledAtMs?: number;
}

/** An account and region the sweep could not reach this time. */
export interface UnreachableAccount {
  readonly account: string;
  readonly region: string;
  readonly availablePools: number;
  readonly error: string;
}

export interface AccountsSweepReport extends SweepReport {
  readonly accounts: number;
  /** Listings of what changed made after the sweep, within its invocation, while end events ran late (catchUpListings.ts). */
  readonly catchUpListings: number;
  readonly unreachable: readonly UnreachableAccount[];
}

interface Group {
  readonly location: JobLocation | undefined;
  readonly pools: JobRecord[];
}

/**
 * The ledger as one account's sweep sees it: only that account and region's Available pools,
 * and only its running jobs, so that its reconcile sets them against its own SageMaker alone.
 */
const ledgerOf = (
  ledger: Ledger,
  pageSize: number,
  group: Group,
  locate: (name: string) => string,
): Ledger => {
  const label = group.location ? locationLabel(group.location) : '';
  let running: Promise<JobRecord[]> | undefined;
  return new Proxy(ledger, {
    get(target, property, receiver) {
      if (property === 'availablePools') return async () => ({ items: [...group.pools] });
      if (property === 'runningJobs')
        return async () => {
          running ??= readAllPages((cursor) => target.runningJobs(pageSize, cursor)).then((jobs) =>
            jobs.filter((job) => locate(job.name) === label),
          );
          return { items: [...(await running)] };
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

/**
 * The sweep, one account and region at a time, each with that account's access. The Available
 * pools are read once (one index, whatever the number of accounts) and grouped by where they
 * live; an account without Available pools costs nothing. The home account and region is swept
 * every time, pools or not, because its reconcile (SageMaker's listing, once per reconcile
 * period, on the one reconcile schedule) may find pools the ledger never heard of. Another
 * account is reconciled with its own listing when `reconcilerFor` gives one; otherwise its pools
 * are described once per reconcile period. A configured member with no Available pool is visited
 * only in the sweep that claims its reconcile period, so its lost pools and lost job ends are
 * found. An account whose spoke role cannot be assumed is reported and skipped: its pools wait
 * for the next sweep, the others go on (a member without pools waits for its next period).
 */
export const sweepAccounts = async (deps: SweepAccountsDeps): Promise<AccountsSweepReport> => {
  const { home } = deps;
  // What the catch-up listings' grid and end are counted from: see SweepAccountsDeps.scheduledAtMs.
  const scheduledAtMs = deps.scheduledAtMs ?? deps.clock.now();
  const locate = (name: string): string => (home ? locationLabel(parseJobRef(name, home).location) : '');
  const groups = new Map<string, Group>();
  const groupOf = (key: string, location: JobLocation | undefined): Group => {
    const group = groups.get(key) ?? { location, pools: [] };
    groups.set(key, group);
    return group;
  };
  // Home first: its reconcile runs in every sweep that claims the period, as with one account.
  groupOf(home ? locationLabel(home) : '', home);
  if (home) for (const member of deps.members ?? []) groupOf(locationLabel(member), member);
  const pools = await readAllPages((cursor) => deps.ledger.availablePools(deps.pageSize, cursor));
  for (const pool of pools) {
    const location = home ? parseJobRef(pool.name, home).location : undefined;
    groupOf(locate(pool.name), location).pools.push(pool);
  }

  const unreachable: UnreachableAccount[] = [];
  const reports: SweepReport[] = [];
  const catchingUp: CatchUpAccount[] = [];
  for (const group of groups.values()) {
    const { location } = group;
    const isHome = !home || !location || sameLocation(location, home);
    const { reconciler, forceReconcile, reconcilerFor, members, ...rest } = deps;
    let own = isHome ? reconciler : location ? reconcilerFor?.(location) : undefined;
    if (!isHome && group.pools.length === 0 && own) {
      // A member with no pool: only its reconcile has work, so the period is claimed before its
      // role is assumed, and a sweep between periods costs it one schedule write and nothing else.
      const member = own;
      own = await guarded(deps, location, reports, () => claimedBeforehand(deps, member));
    }
    if (!isHome && group.pools.length === 0 && !own) continue;
    if (!isHome && location) {
      try {
        await deps.access.check(location);
      } catch (error) {
        unreachable.push({ ...location, availablePools: group.pools.length, error: errorMessage(error) });
        deps.telemetry.error('the sweep cannot reach an account; its pools wait for the next sweep', {
          account: location.account,
          region: location.region,
          pools: group.pools.length,
          error: errorMessage(error),
        });
        deps.telemetry.count('SweepAccountsUnreachable');
        continue;
      }
    }
    const swept: SweepDeps = {
      ...rest,
      ledger: ledgerOf(deps.ledger, deps.pageSize, group, locate),
      ...(own ? { reconciler: own } : {}),
      ...(forceReconcile ? { forceReconcile } : {}),
    };
    const report = await guarded(deps, location, reports, () => sweep(swept));
    if (!report) continue;
    reports.push(report);
    if (own) catchingUp.push({ deps: swept, reconciler: own, pools: group.pools });
  }
  const caughtUp =
    deps.catchUp && !deps.forceReconcile
      ? await catchUpLateEnds(
          catchingUp,
          deps.catchUp.pause,
          {
            scheduledAtMs,
            scheduleEveryMs: deps.scheduleEveryMs,
            everyMs: deps.catchUp.everyMs,
            safetyMarginMs: deps.safetyMarginMs,
          },
          deps,
        )
      : undefined;
  // Catch-up listings that all failed listed nothing, but their failures count.
  if (caughtUp && (caughtUp.listings > 0 || caughtUp.tally.failures > 0))
    reports.push(catchUpReport(caughtUp, scheduledAtMs + deps.scheduleEveryMs));
  return {
    ...combine(reports, deps.clock.now() + deps.scheduleEveryMs),
    catchUpListings: caughtUp?.listings ?? 0,
    // Those of unreachable accounts too: they are Available, only not swept this time.
    availablePools: pools.length,
    accounts: [...groups.values()].filter((g) => g.pools.length > 0).length,
    unreachable,
  };
};

/**
 * One account's sweep (or its claim): a failure of the whole (its Available pools unreadable, say)
 * is counted and logged, a failed report added for it, and the other accounts are swept still.
 * Undefined when it failed.
 */
const guarded = async <T>(
  deps: SweepAccountsDeps,
  location: JobLocation | undefined,
  reports: SweepReport[],
  work: () => Promise<T>,
): Promise<T | undefined> => {
  try {
    return await work();
  } catch (error) {
    deps.telemetry.error(
      'the sweep of an account failed; the others are swept, and it is tried again at the next sweep',
      {
        ...(location ? { account: location.account, region: location.region } : {}),
        error: errorMessage(error),
      },
    );
    deps.telemetry.count('SweepFailures');
    reports.push(failedReport(deps.clock.now() + deps.scheduleEveryMs));
    return undefined;
  }
};

/** An account whose sweep failed, as a report to combine with the others': one failure, and the next sweep must run. */
const failedReport = (nextSweepAtMs: number): SweepReport => ({
  availablePools: 0,
  reached: 0,
  reconciled: 0,
  actions: {},
  failures: 1,
  listed: false,
  listedSooner: false,
  fullList: false,
  listCalls: 0,
  adopted: 0,
  finished: 0,
  closedEarly: 0,
  deferred: 0,
  watched: 0,
  watching: 0,
  presumed: 0,
  nextChangeAtMs: nextSweepAtMs,
});

/**
 * The reconciler with this period's claim already tried, its result handed to the sweep's
 * reconcile; undefined when another sweep holds the period and the member's end events run on
 * time (a member whose events run late lists what changed every minute between periods, as the
 * home account does), or too little time is left to list.
 */
const claimedBeforehand = async (
  deps: SweepAccountsDeps,
  own: ReconcileDeps,
): Promise<ReconcileDeps | undefined> => {
  if (deps.remainingMs() < deps.safetyMarginMs) return undefined;
  const nowMs = deps.clock.now();
  const claim = await claimReconcile(deps, own, nowMs);
  if (!claim.claimed && !own.pace?.listsSooner(nowMs)) return undefined;
  return {
    ...own,
    // Its sweep reads the clock again after the role is checked: the reconcile starts at the claim.
    ...(claim.claimed ? { claimedAtMs: nowMs } : {}),
    schedule: { claim: async () => claim, done: (startMs, outcome) => own.schedule.done(startMs, outcome) },
  };
};

/**
 * What the catch-up listings did, as a report to combine with the sweeps': what it adopted changed the
 * ledger, and what it failed or left for lack of time is still to do, so the next scheduled
 * sweep must run.
 */
export const catchUpReport = (catchUp: CatchUpReport, nextSweepAtMs: number): SweepReport => {
  const { actions, reached: _, ...counts } = catchUp.tally;
  return {
    availablePools: 0,
    reached: 0,
    ...counts,
    actions,
    listed: false,
    listedSooner: false,
    fullList: false,
    listCalls: catchUp.listCalls,
    watching: 0,
    presumed: 0,
    // Adoptions left for lack of time are the next sweep's work, as failed ones are.
    nextChangeAtMs:
      counts.adopted > 0 || counts.failures > 0 || counts.deferred > 0
        ? nextSweepAtMs
        : Number.POSITIVE_INFINITY,
  };
};

const earliest = (instants: readonly (number | undefined)[]): number | undefined => {
  const known = instants.filter((at): at is number => at !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
};

/** One report for the whole sweep: counts added, the earliest next change. */
const combine = (reports: readonly SweepReport[], fallbackNextMs: number): SweepReport => {
  const actions: Record<string, number> = {};
  for (const report of reports)
    for (const [key, n] of Object.entries(report.actions)) actions[key] = (actions[key] ?? 0) + n;
  const sum = (pick: (r: SweepReport) => number): number => reports.reduce((n, r) => n + pick(r), 0);
  const nextListAtMs = earliest(reports.map((r) => r.nextListAtMs));
  const nextReconcileAtMs = earliest(reports.map((r) => r.nextReconcileAtMs));
  const statsFreshUntilMs = earliest(reports.map((r) => r.statsFreshUntilMs));
  return {
    availablePools: sum((r) => r.availablePools),
    reached: sum((r) => r.reached),
    reconciled: sum((r) => r.reconciled),
    actions,
    failures: sum((r) => r.failures),
    listed: reports.some((r) => r.listed),
    listedSooner: reports.some((r) => r.listedSooner),
    ...(nextListAtMs !== undefined ? { nextListAtMs } : {}),
    ...(nextReconcileAtMs !== undefined ? { nextReconcileAtMs } : {}),
    ...(statsFreshUntilMs !== undefined ? { statsFreshUntilMs } : {}),
    fullList: reports.some((r) => r.fullList),
    ...(reports.some((r) => r.fullListUnfinished) ? { fullListUnfinished: true as const } : {}),
    listCalls: sum((r) => r.listCalls),
    adopted: sum((r) => r.adopted),
    finished: sum((r) => r.finished),
    closedEarly: sum((r) => r.closedEarly),
    deferred: sum((r) => r.deferred),
    watched: sum((r) => r.watched),
    watching: sum((r) => r.watching),
    presumed: sum((r) => r.presumed),
    nextChangeAtMs: reports.length > 0 ? Math.min(...reports.map((r) => r.nextChangeAtMs)) : fallbackNextMs,
  };
};
