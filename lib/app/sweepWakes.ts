import type { EndWatchSettings } from '../domain/endWatch';
import type { PriceTable } from '../domain/prices';
import { isPresumedTaken } from '../domain/reusePresumption';
import { watchWorthy } from './endWatch';
import type { LedgerFact } from './ledgerFacts';
import type { ProcessOutcome } from './processJobStateChange';
import type { SlackClickResult } from './slackClick/handleSlackClick';
import { SWEEP_EVERY_MS } from './sweepWake';

/**
 * When the sweep must run, as the functions ask for it (wakes: ports/sweepWakes.ts). Each rule
 * lives here once: the deployed functions ask by them, and the local stack's next-event timing
 * runs the sweep when what they asked for comes due (devtools/local/runtime/sweepSchedule.ts).
 * A sweep that changes nothing is skipped only where these rules prove it would change nothing;
 * the backstop schedule (rate(15 minutes), the base reconcile period) covers a lost wake.
 */

/** The first whole UTC minute strictly after `nowMs`: a wake for the current minute would already be late. */
export const nextWakeAfter = (nowMs: number): number =>
  Math.floor(nowMs / SWEEP_EVERY_MS) * SWEEP_EVERY_MS + SWEEP_EVERY_MS;

/** `atMs` rounded up to a whole minute, and never before the next one after `nowMs`. */
export const wakeFor = (atMs: number, nowMs: number): number =>
  Math.max(Math.ceil(atMs / SWEEP_EVERY_MS) * SWEEP_EVERY_MS, nextWakeAfter(nowMs));

/**
 * Whether a fact may change what a sweep decides before the instants the last one named. A new
 * pool (its policy acts on it) and an ended one may. A reused pool leaves the Available ones, so
 * only its key's other pools (not presumed taken themselves) can decide otherwise: each moved up
 * in the line for the key's next jobs (sameKeyRank.ts). A reuse whose handling did not read its
 * key's pools is taken to leave some.
 */
const changesSweep = (fact: LedgerFact): boolean => {
  switch (fact.kind) {
    case 'pool-available':
    case 'pool-ended':
      return true;
    case 'pool-reused':
      return fact.sameKeyLeft?.some((pool) => !isPresumedTaken(pool)) ?? true;
    default:
      return false;
  }
};

/**
 * Whether a handled event may have changed what a sweep decides: it told a pool fact that may
 * (changesSweep), or it was stale (its reuse facts are not reported). An event that told none (a
 * job started cold, ended with no pool, missed one, took the last pool of its key) leaves the
 * Available pools a sweep reads deciding as they did, and what it reads of the usage statistics
 * is read again at the instants the last sweep named: it decides as that sweep foresaw.
 */
export const touchesPools = (outcome: ProcessOutcome): boolean =>
  outcome.kind === 'stale' || (outcome.kind === 'applied' && outcome.facts.some(changesSweep));

/**
 * Whether a job start is one the end watch may describe from then on (endWatch.ts): a sweep must
 * see it start, as one every minute would, or its first describes would wait for the next reconcile.
 */
export const startsWatchedJob = (
  outcome: ProcessOutcome,
  prices: PriceTable,
  endWatch: EndWatchSettings,
): boolean =>
  outcome.kind === 'applied' &&
  outcome.facts.some((f) => f.kind === 'job-started' && watchWorthy(f.job, prices, endWatch));

/** Whether the event handler asks for a sweep at the next minute after an event. */
export const eventCallsForSweep = (
  outcome: ProcessOutcome,
  prices: PriceTable,
  endWatch: EndWatchSettings,
): boolean => touchesPools(outcome) || startsWatchedJob(outcome, prices, endWatch);

/**
 * Whether a click may have changed the ledger: an action taken, pending or failed half-way (what
 * it wrote is not known), or a pool found not Available (the click may have recorded what it
 * saw). A duplicate, a refusal or an unknown job wrote nothing a sweep reads.
 */
export const clickCallsForSweep = (result: Pick<SlackClickResult, 'kind'>): boolean =>
  result.kind !== 'duplicate' &&
  result.kind !== 'unknown-job' &&
  result.kind !== 'unauthorized' &&
  result.kind !== 'refused';

/** What a sweep's report says of when the next sweep could act (sweepAccounts.ts). */
export interface SweepWakeReport {
  readonly availablePools: number;
  /** Of those, the ones presumed taken (reusePresumption.ts): they wait for the reconcile. */
  readonly presumed: number;
  /** Running jobs the end watch will describe at a later sweep. */
  readonly watching: number;
  readonly nextChangeAtMs: number;
  readonly statsFreshUntilMs?: number;
  readonly listed: boolean;
  readonly nextListAtMs?: number;
  readonly nextReconcileAtMs?: number;
}

export interface SweepWakeSettings {
  /** How long a container's sweep keeps what it read of the usage statistics, when its report does not say. */
  readonly statsFreshMs: number;
  /** The base reconcile period, when a reconcile does not name the next one's due time. */
  readonly reconcileEveryMs: number;
}

/**
 * The wakes a sweep asks for at its end, whole minutes after `nowMs`, earliest first:
 * - while pools are Available (not presumed taken) or jobs watched: the instant it named
 *   (`nextChangeAtMs`: a pool to describe, a decision that changes), and when what its container
 *   read of the usage statistics first goes stale (so that it is read again when a sweep every
 *   minute would: events may have changed it meanwhile);
 * - always: its next listing while end events run late, and after a reconcile the next one.
 * Wakes asked by earlier sweeps stand: what an earlier sweep read may go stale before a later one's.
 * `sweptAtMs`: the instant the sweep was due (its event's `time`), which its report counts from.
 */
export const sweepWakeInstants = (
  report: SweepWakeReport,
  sweptAtMs: number,
  nowMs: number,
  settings: SweepWakeSettings,
): number[] => {
  const named: number[] = [];
  if (report.availablePools - report.presumed + report.watching > 0)
    named.push(report.nextChangeAtMs, report.statsFreshUntilMs ?? sweptAtMs + settings.statsFreshMs);
  if (report.nextListAtMs !== undefined) named.push(report.nextListAtMs);
  if (report.listed) named.push(report.nextReconcileAtMs ?? sweptAtMs + settings.reconcileEveryMs);
  const wakes = new Set(named.filter(Number.isFinite).map((atMs) => wakeFor(atMs, nowMs)));
  return [...wakes].sort((a, b) => a - b);
};
