import { AT_EACH_INSTANT, GapLearnerMemo } from '../domain/policy/gapLearner';

/** A container's memo is renewed this often, so that scopes it no longer sees are let go. */
const RENEW_MEMO_AFTER_MS = 86_400_000;

/**
 * The gap learner's memo of one container, kept across its invocations and shared by its sweep
 * and its reactors: the usage statistics hand a scope's samples over as the same array while
 * they are unchanged (UsageStats.recentGaps), so each scope is learned once per change (and per
 * instant while its unresolved stops depend on it) rather than at every decision. It learns at
 * each instant what the plain learner would (AT_EACH_INSTANT), so renewing it changes no decision.
 */
export class ContainerLearnerMemo {
  private memo?: GapLearnerMemo;
  private sinceMs = 0;

  /** The memo to decide with at `nowMs`: a new one once the current is a day old. */
  at(nowMs: number): GapLearnerMemo {
    if (this.memo && Math.abs(nowMs - this.sinceMs) < RENEW_MEMO_AFTER_MS) return this.memo;
    this.memo = new GapLearnerMemo(AT_EACH_INSTANT);
    this.sinceMs = nowMs;
    return this.memo;
  }
}
