import { formatDuration } from './duration';
import type { ExtendConditions } from './policy';

/**
 * Recent activity as evidence for a reuse, never as a decision: each signal the rule's
 * `extend.when` names and that holds multiplies the hazard of a same-key submission by
 * ACTIVITY_HAZARD_RATIO (expectedCost.ts). An owner at work makes a reuse likelier and sooner; it
 * does not make a $75/h pool worth keeping when the prices say otherwise.
 */
export const ACTIVITY_HAZARD_RATIO = 1.5;

export interface ActivityEvidence {
  /** 1 when no signal holds. */
  readonly hazardRatio: number;
  /** One entry per signal that holds, for the decision's reason. */
  readonly because: readonly string[];
}

export const NO_EVIDENCE: ActivityEvidence = { hazardRatio: 1, because: [] };

export const activityEvidence = (
  when: ExtendConditions,
  pool: { readonly lastReuseAtMs?: number; readonly owner?: string },
  ownerLastSubmittedAtMs: number | undefined,
  nowMs: number,
): ActivityEvidence => {
  const because: string[] = [];
  if (
    when.reusedWithinSeconds !== null &&
    pool.lastReuseAtMs !== undefined &&
    nowMs - pool.lastReuseAtMs <= when.reusedWithinSeconds * 1000
  ) {
    because.push(
      `reused ${formatDuration((nowMs - pool.lastReuseAtMs) / 1000)} ago (within ${formatDuration(when.reusedWithinSeconds)})`,
    );
  }
  if (
    when.ownerActiveWithinSeconds !== null &&
    ownerLastSubmittedAtMs !== undefined &&
    nowMs - ownerLastSubmittedAtMs <= when.ownerActiveWithinSeconds * 1000
  ) {
    because.push(
      `owner ${pool.owner ?? '(unknown)'} submitted a job ${formatDuration((nowMs - ownerLastSubmittedAtMs) / 1000)} ago (within ${formatDuration(when.ownerActiveWithinSeconds)})`,
    );
  }
  return { hazardRatio: ACTIVITY_HAZARD_RATIO ** because.length, because };
};

/**
 * The first instant after `nowMs` at which a signal that holds now stops holding (signals only
 * start on new facts: a reuse, a submission); Infinity when none holds.
 */
export const activityEvidenceEndsAtMs = (
  when: ExtendConditions,
  pool: { readonly lastReuseAtMs?: number },
  ownerLastSubmittedAtMs: number | undefined,
  nowMs: number,
): number => {
  let endsAtMs = Number.POSITIVE_INFINITY;
  const signals: [number | null, number | undefined][] = [
    [when.reusedWithinSeconds, pool.lastReuseAtMs],
    [when.ownerActiveWithinSeconds, ownerLastSubmittedAtMs],
  ];
  for (const [withinSeconds, sinceMs] of signals) {
    if (withinSeconds === null || sinceMs === undefined) continue;
    const untilMs = sinceMs + withinSeconds * 1000;
    if (untilMs >= nowMs) endsAtMs = Math.min(endsAtMs, untilMs + 1);
  }
  return endsAtMs;
};
