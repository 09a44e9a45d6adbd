import type { JobRecord } from '../domain/jobRecord';
import type { Decision } from '../domain/policy/decide';
import { DECISION_PERIOD_SECONDS } from '../domain/policy/decisionPeriod';
import { evaluatePool, type PolicySetup } from '../domain/policy/evaluatePool';
import type { GapLearnerMemo } from '../domain/policy/gapLearner';
import { type PoolLookRules, poolLookDueAtMs } from './poolLookDue';
import { knowledgeAt, type SweepReadings, situationAt } from './sweepStats';

/** The sweep's grid: its wakes are whole minutes (sweepWakes.ts), as its `rate(1 minute)` schedule was. */
export const SWEEP_EVERY_MS = DECISION_PERIOD_SECONDS * 1000;

export interface SweepWakeInput {
  /** The Available pools as the sweep left them (it changed nothing but when each was last looked at). */
  readonly pools: readonly JobRecord[];
  /** Whether a decision would change nothing: leave, or one recorded once that the sweep already made. */
  readonly alreadyDone: (head: JobRecord, decision: Decision) => boolean;
  readonly readings: SweepReadings;
  /** The container's learner memo as the sweep decided with it. */
  readonly memo: GapLearnerMemo;
  readonly setup: PolicySetup;
  readonly nowMs: number;
  /** When the sweep describes a pool unasked: a describe may change what it decides. */
  readonly looks: PoolLookRules;
  readonly everyMs: number;
  /** No further than this past now: by then the sweep reads its statistics again anyway. */
  readonly lookAheadMs: number;
}

const DAY_MS = 86_400_000;

/**
 * After a sweep that changed nothing (but when pools were last looked at), the first scheduled instant at which a sweep could do
 * something: describe a pool (when it looks at one unasked: poolLookDue.ts), or
 * decide otherwise for one (an idle limit reached, working hours beginning or ending, a spend
 * cap crossed). The policy step is pure, so it is evaluated ahead at each scheduled instant
 * until the first describe. The spend is read per UTC day: the look-ahead stops at midnight.
 * Only an event (or a click) meanwhile can make an earlier sweep act; those ask for their own wake.
 */
export const nextSweepChangeAt = (input: SweepWakeInput): number => {
  const { pools, readings, memo, setup, nowMs, everyMs } = input;
  let horizon = Math.min(Date.parse(`${readings.day}T00:00:00Z`) + DAY_MS, nowMs + input.lookAheadMs);
  // The reconcile's listing (once a period) is no pool's due look: the local stack's schedule
  // keeps the reconcile's instants whatever the pools.
  for (const pool of pools) horizon = Math.min(horizon, poolLookDueAtMs(pool, input.looks));
  const firstAtOrAfterHorizon = nowMs + Math.max(1, Math.ceil((horizon - nowMs) / everyMs)) * everyMs;
  for (let atMs = nowMs + everyMs; atMs < firstAtOrAfterHorizon; atMs += everyMs) {
    const knowledge = knowledgeAt(readings, pools, atMs, setup.prices);
    for (const head of pools) {
      if (!input.alreadyDone(head, evaluatePool(setup, situationAt(head, knowledge, atMs, memo)).decision))
        return atMs;
    }
  }
  return firstAtOrAfterHorizon;
};
