import type { JobRecord } from '../../domain/jobRecord';
import type { PlanStep } from '../../domain/poolButtonPlan';
import { isPresumedTaken } from '../../domain/reusePresumption';
import {
  type ActionDeps,
  type ActionRequest,
  type ActionResult,
  applyPoolAction,
  stepKey,
} from '../applyPoolAction';

/** Who clicked, why, and under which key: the same for every step of one click. */
export interface ClickAction {
  readonly actor: string;
  readonly cause: string;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly dedupeKey: string;
  /** Where the clicking user waits for the outcome should SageMaker not answer in time (the click's response_url). */
  readonly replyTo?: string;
}

export type ClickActs =
  | { readonly kind: 'acted'; readonly results: readonly ActionResult[] }
  /** SageMaker refused (or, for a hold, the ledger no longer holds the pool as Available). */
  | { readonly kind: 'not-available'; readonly record: JobRecord }
  | { readonly kind: 'failed'; readonly error: string }
  /** SageMaker did not answer in time: the action is kept as an intent, finished by the next sweep. */
  | { readonly kind: 'pending'; readonly reason: string; readonly result: ActionResult }
  /** Another copy of this click (or another action on the pool) holds the claim: it acts, this one does not. */
  | { readonly kind: 'refused'; readonly reason: string };

/** Step 4: the plan's steps, each through applyPoolAction, recorded once under the click's key. */
export const actOnClick = async (
  deps: ActionDeps,
  head: JobRecord,
  steps: readonly PlanStep[],
  click: ClickAction,
): Promise<ClickActs> => {
  const previous = head.pool?.expiresAtMs;
  const results: ActionResult[] = [];
  let current = head;
  for (const [index, step] of steps.entries()) {
    // The hold that follows an extend travels with its intent: a sweep finishing the extend
    // after this click gave up on it writes the hold too, or the idle policy would undo the click.
    const next = steps[index + 1];
    const request: ActionRequest = {
      head: current,
      action: step.action,
      ...(step.action === 'extend' ? { keepAliveSeconds: step.keepAliveSeconds } : {}),
      ...(step.action === 'extend' && next?.action === 'hold' ? { thenHoldUntilMs: next.untilMs } : {}),
      ...(step.action === 'hold' ? { untilMs: step.untilMs } : {}),
      actor: click.actor,
      cause: click.cause,
      reason: click.reason,
      dryRun: click.dryRun,
      dedupeKey: index === 0 ? click.dedupeKey : stepKey(click.dedupeKey, step.action),
      ...(click.replyTo ? { replyTo: click.replyTo } : {}),
    };
    const result = await applyPoolAction(deps, request);
    results.push({ ...result, ...(previous !== undefined ? { previousExpiresAtMs: previous } : {}) });
    current = result.record;
    if (
      result.decision.outcome === 'skipped' &&
      !result.firstTime &&
      result.record.pool?.status === 'Available'
    ) {
      return {
        kind: 'refused',
        // A pool presumed taken that SageMaker could not settle in time: said as it is.
        reason: isPresumedTaken(result.record)
          ? (result.decision.error ?? 'the pool is presumed taken by a job until the next reconcile')
          : step.action === 'hold'
            ? // Another's action (a policy's stop) is in flight: unrecorded, so this button works again.
              'another action on this pool is in progress; try again in a minute'
            : 'another action on this pool is in progress (this click, delivered twice?)',
      };
    }
    if (result.decision.outcome === 'skipped' && index === 0) {
      return { kind: 'not-available', record: result.record };
    }
    if (result.decision.outcome === 'unknown') {
      return {
        kind: 'pending',
        reason: click.replyTo
          ? 'SageMaker did not answer in time. poolwarden keeps the request and finishes it within a few minutes; the outcome will be posted here'
          : 'SageMaker did not answer in time. poolwarden keeps the request and finishes it within a few minutes',
        result,
      };
    }
    if (result.decision.outcome === 'failed') {
      return { kind: 'failed', error: result.decision.error ?? 'unknown error' };
    }
  }
  return { kind: 'acted', results };
};
