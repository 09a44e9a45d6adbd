import type { JobRecord } from '../domain/jobRecord';
import type { Decision } from '../domain/policy/decide';
import { DECISION_PERIOD_SECONDS } from '../domain/policy/decisionPeriod';
import { evaluatePool, type PolicySetup } from '../domain/policy/evaluatePool';
import type { GapLearnerMemo } from '../domain/policy/gapLearner';
import { knowledgeAt, type SweepReadings, situationAt } from './sweepStats';

/** The sweep's schedule (`rate(1 minute)` in serverless.yml), which the local stack keeps too. */
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
  readonly reconcileEveryMs: number;
  readonly everyMs: number;
  /** No further than this past now: by then the sweep reads its statistics again anyway. */
  readonly lookAheadMs: number;
}

const DAY_MS = 86_400_000;

/**
 * After a sweep that changed nothing (but when pools were last looked at), the first scheduled instant at which a sweep could do
 * something: describe a pool (at its predicted expiry, or when its reconcile period is up), or
 * decide otherwise for one (an idle limit reached, working hours beginning or ending, a spend
 * cap crossed). The policy step is pure, so it is evaluated ahead at each scheduled instant
 * until the first describe. The spend is read per UTC day: the look-ahead stops at midnight.
 * Only an event (or a click) meanwhile can make an earlier sweep act; the caller watches those.
 */
export const nextSweepChangeAt = (input: SweepWakeInput): number => {
  const { pools, readings, memo, setup, nowMs, everyMs } = input;
  let horizon = Math.min(Date.parse(`${readings.day}T00:00:00Z`) + DAY_MS, nowMs + input.lookAheadMs);
  for (const pool of pools) {
    const expiresAtMs = pool.pool?.expiresAtMs ?? nowMs;
    horizon = Math.min(horizon, expiresAtMs, (pool.pool?.observedAtMs ?? 0) + input.reconcileEveryMs);
  }
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
