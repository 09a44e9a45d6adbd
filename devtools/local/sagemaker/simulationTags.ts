import { validationError } from './apiErrors';
import { JOB_OUTCOMES, type JobOutcome, type SimulatedRun } from './emulatedJob';

/**
 * A job created through the HTTP API (someone's own script against the local stack) carries no
 * trace line: these tags say how long it trains and how it ends. Without them: 300 s, Completed.
 */
export const SIM_DURATION_TAG = 'poolwarden-sim:duration-seconds';
export const SIM_OUTCOME_TAG = 'poolwarden-sim:outcome';
export const SIM_FAILURE_REASON_TAG = 'poolwarden-sim:failure-reason';

export const DEFAULT_SIMULATED_RUN: SimulatedRun = { durationSeconds: 300, outcome: 'Completed' };

const isOutcome = (value: string): value is JobOutcome => (JOB_OUTCOMES as readonly string[]).includes(value);

export const simulatedRunFromTags = (tags: Readonly<Record<string, string>>): SimulatedRun => {
  const durationTag = tags[SIM_DURATION_TAG];
  const outcomeTag = tags[SIM_OUTCOME_TAG];
  const failureReason = tags[SIM_FAILURE_REASON_TAG];
  const durationSeconds =
    durationTag === undefined ? DEFAULT_SIMULATED_RUN.durationSeconds : Number(durationTag);
  if (!Number.isFinite(durationSeconds) || durationSeconds < 0) {
    throw validationError(
      `Tag ${SIM_DURATION_TAG} must be a non-negative number of seconds, not '${durationTag}'`,
    );
  }
  const outcome = outcomeTag ?? DEFAULT_SIMULATED_RUN.outcome;
  if (!isOutcome(outcome)) {
    throw validationError(
      `Tag ${SIM_OUTCOME_TAG} must be one of ${JOB_OUTCOMES.join(', ')}, not '${outcome}'`,
    );
  }
  return { durationSeconds, outcome, ...(failureReason ? { failureReason } : {}) };
};
