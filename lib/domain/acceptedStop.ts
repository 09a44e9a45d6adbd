import type { WarmPoolObservation } from './warmPool';

/**
 * Whether SageMaker accepting UpdateTrainingJob with KeepAlivePeriodInSeconds 0 is its word that
 * the pool was released then. The Developer Guide allows the update only while the pool is
 * Available and says 0 terminates it ("Terminate a warm pool"); a pool taken meanwhile makes
 * SageMaker refuse the update (and a refusal is followed by a describe). So a sweep that saw its
 * own stop accepted records the pool's end from that answer at its next look, instead of
 * describing it (AcceptedStops, lib/app/acceptedStops.ts). Were this found false, the next
 * reconcile would find SageMaker listing Available a pool the ledger holds Terminated: a surprise
 * that brings the base period back, though the ledger (whose pool states only move forward)
 * would not take the pool back.
 */
export const ACCEPTED_STOP_TERMINATES_POOL = true;

/**
 * How soon after it was asked an accepted stop must have been answered for its ask to count as
 * the instant SageMaker released the pool. A later answer came after the SDK's retries (a
 * throttled update takes 17 to 40 s): SageMaker released the pool when it took the attempt that
 * succeeded, which the sweep does not know, so the pool is described as before.
 */
export const ACCEPTED_STOP_ANSWERED_WITHIN_MS = 1_000;

/**
 * What a describe would show of a pool after a stop SageMaker accepted at `stoppedAtMs`:
 * Terminated, billed for the whole seconds it sat Available since its job ended (SageMaker's
 * ResourceRetainedBillableTimeInSeconds, as the local emulator models it). Not documented to the
 * second: a release SageMaker carries out a moment after its answer is not counted. Undefined
 * when the ledger does not know since when the pool was Available: it is then described.
 */
export const poolAfterAcceptedStop = (
  availableSinceMs: number | undefined,
  stoppedAtMs: number,
): WarmPoolObservation | undefined => {
  if (!ACCEPTED_STOP_TERMINATES_POOL || availableSinceMs === undefined) return undefined;
  return {
    status: 'Terminated',
    billableSeconds: Math.max(0, Math.floor((stoppedAtMs - availableSinceMs) / 1000)),
  };
};
