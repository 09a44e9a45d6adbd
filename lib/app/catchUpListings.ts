import { errorMessage } from '../domain/errorMessage';
import { poolIdleUsdPerHour } from '../domain/jobPrice';
import type { JobRecord } from '../domain/jobRecord';
import type { PriceTable } from '../domain/prices';
import type { Pause } from '../ports/pause';
import { planCatchUp, type ReconcileDeps } from './reconcilePlan';
import { adoptListed, emptyTally, type SweepDeps, type Tally } from './sweep';

/**
 * How long before the next scheduled sweep the whole invocation must have ended, its catch-up
 * listings' adoptions and their notices included: the sweep runs one at a time (reserved concurrency 1),
 * and a scheduled event that finds it still running is throttled.
 */
export const CATCH_UP_ENDS_BEFORE_NEXT_SWEEP_MS = 5_000;

/**
 * From what idle price per hour (instances × the price table's hourly price) catching up adopts an
 * end at once rather than leave it to its event for CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS: a pool of
 * four ml.p4d.24xlarge costs $2.51 a minute idle, a ml.g5.xlarge about 2 cents. An end whose
 * price is not known (its start never recorded, an instance type the table lacks) is adopted
 * at once too.
 */
export const CATCH_UP_ADOPTS_AT_ONCE_FROM_USD_PER_HOUR = 10;

/** Whether catching up adopts a young end at once, from what the ledger holds of the job. */
const adoptsYoungEnd =
  (prices: PriceTable) =>
  (record: JobRecord | undefined): boolean => {
    const usd = record?.job ? poolIdleUsdPerHour(prices, record.job) : undefined;
    return usd === undefined || usd >= CATCH_UP_ADOPTS_AT_ONCE_FROM_USD_PER_HOUR;
  };

/** What bounds one invocation's catch-up listings. */
export interface CatchUpBounds {
  /** When the scheduled event that started the sweep was due: the listings' instants are counted from it. */
  readonly scheduledAtMs: number;
  /** The sweep's schedule: the next invocation lists itself, so they end a step before it. */
  readonly scheduleEveryMs: number;
  readonly everyMs: number;
  /** What must be left of the invocation's time when a listing starts: its adoptions and their notices. */
  readonly safetyMarginMs: number;
}

/**
 * The time catching up has left at `nowMs`: the invocation's, but no later than
 * CATCH_UP_ENDS_BEFORE_NEXT_SWEEP_MS before the next scheduled sweep.
 */
export const catchUpRemainingMs = (bounds: CatchUpBounds, nowMs: number, remainingMs: number): number =>
  Math.min(
    remainingMs,
    bounds.scheduledAtMs + bounds.scheduleEveryMs - CATCH_UP_ENDS_BEFORE_NEXT_SWEEP_MS - nowMs,
  );

/**
 * The instant of the next catch-up listing after `nowMs`, or undefined when catching up is over: the
 * next step of its grid from the scheduled instant, no later than one step before the next
 * scheduled sweep (which lists itself), and only while the safety margin would still be left then
 * of the invocation's time and of the time before the next scheduled sweep (one sweep at a time).
 */
export const nextCatchUpAt = (
  bounds: CatchUpBounds,
  nowMs: number,
  remainingMs: number,
): number | undefined => {
  const steps = Math.max(0, Math.floor((nowMs - bounds.scheduledAtMs) / bounds.everyMs) + 1);
  const atMs = bounds.scheduledAtMs + steps * bounds.everyMs;
  if (atMs > bounds.scheduledAtMs + bounds.scheduleEveryMs - bounds.everyMs) return undefined;
  const left = catchUpRemainingMs(bounds, nowMs, remainingMs);
  if (left - (atMs - nowMs) < bounds.safetyMarginMs) return undefined;
  return atMs;
};

/** One account and region as its sweep left it: its sweep's dependencies and the pools it read Available. */
export interface CatchUpAccount {
  readonly deps: SweepDeps;
  readonly reconciler: ReconcileDeps;
  readonly pools: readonly JobRecord[];
}

export interface CatchUpReport {
  /** Catch-up listings of what changed (one per lagging account per step). */
  readonly listings: number;
  readonly listCalls: number;
  readonly tally: Tally;
}

/**
 * While an account's end events run late (listingPace.ts), the sweep does not end after its own
 * listing: it waits (through the Pause port: a timer deployed, virtual time locally) and lists
 * what changed every `everyMs` until shortly before the next scheduled sweep, adopting the ends
 * it finds as the reconcile does, so a pool whose end event is late is found within seconds of
 * its end rather than at the next minute. An account whose events run on time is never watched:
 * a calm run makes no extra call. A job the ledger has meanwhile recorded Available (its late
 * event came while the sweep waited) is not adopted again.
 */
export const catchUpLateEnds = async (
  accounts: readonly CatchUpAccount[],
  pause: Pause,
  bounds: CatchUpBounds,
  common: Pick<SweepDeps, 'clock' | 'remainingMs' | 'telemetry'>,
): Promise<CatchUpReport> => {
  const tally = emptyTally();
  let listings = 0;
  let listCalls = 0;
  // Adoptions stop taking new work as the sweep's do, by catching up's own end.
  const remainingMs = () => catchUpRemainingMs(bounds, common.clock.now(), common.remainingMs());
  const known = new Map(accounts.map((account) => [account, [...account.pools]]));
  for (;;) {
    const lagging = accounts.filter((a) => a.reconciler.pace?.soonerListing === true);
    if (lagging.length === 0) break;
    const atMs = nextCatchUpAt(bounds, common.clock.now(), common.remainingMs());
    if (atMs === undefined) break;
    await pause.until(atMs);
    for (const account of lagging) {
      if (remainingMs() < bounds.safetyMarginMs) break;
      const pools = known.get(account) ?? [];
      try {
        const listed = await catchUpOnce(
          { ...account, deps: { ...account.deps, remainingMs } },
          pools,
          common.clock.now(),
          tally,
        );
        listings++;
        listCalls += listed.listCalls;
        pools.push(...listed.available);
      } catch (error) {
        tally.failures++;
        common.telemetry.error('the sweep could not list what changed; its next listing tries again', {
          error: errorMessage(error),
        });
      }
    }
  }
  if (listings > 0) common.telemetry.count('SweepCatchUpListings', listings);
  return { listings, listCalls, tally };
};

/** One listing of an account's changes and the adoptions it calls for. */
const catchUpOnce = async (
  account: CatchUpAccount,
  pools: readonly JobRecord[],
  nowMs: number,
  tally: Tally,
): Promise<{ listCalls: number; available: JobRecord[] }> => {
  const { deps, reconciler } = account;
  const plan = await planCatchUp(deps, reconciler, pools, nowMs, adoptsYoungEnd(deps.setup.prices));
  const adopted =
    plan.adopt.length > 0
      ? await adoptListed(deps, reconciler, plan.adopt, plan.read, pools, nowMs, tally)
      : [];
  return { listCalls: plan.listCalls, available: [...plan.recorded, ...adopted] };
};
