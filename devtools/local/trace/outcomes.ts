import type { TraceOutcome } from '../../../lib/trace/traceJob';
import type { Random } from './random';

/** How one run of a job went: how long it ran and how it ended. */
export interface Run {
  readonly durationSeconds: number;
  readonly outcome: TraceOutcome;
  readonly failureReason?: string;
}

/** Probabilities, per job, of each way a job can end other than completing. */
export interface OutcomeRates {
  /** The user's code failed: SageMaker keeps the warm pool. */
  readonly algorithmError: number;
  /** Bad input (missing data): a client error, which also keeps the pool. */
  readonly clientError: number;
  /** SageMaker's own failure: no warm pool. */
  readonly internalServerError: number;
  /** The user stopped the job. */
  readonly stopped: number;
}

// Failure reasons as SageMaker words them; the prefix decides whether a warm pool is kept.
const ALGORITHM_ERRORS = [
  'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"',
  'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "KeyError: \'label\'"',
  'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "ValueError: loss is NaN"',
  'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "ModuleNotFoundError: No module named \'timm\'"',
];
const CLIENT_ERRORS = [
  'ClientError: Data download failed: NoSuchKey: The specified key does not exist.',
  'ClientError: Please ensure the training data channel "train" contains files.',
];
const INTERNAL_SERVER_ERRORS = [
  'InternalServerError: We encountered an internal error. Please try again.',
  'InternalServerError: An internal error occurred while provisioning the training cluster.',
];

const ran = (planned: number, fraction: number, floor: number): number =>
  Math.max(floor, Math.round(planned * fraction));

type Ending = keyof OutcomeRates | 'completed';

/** Draws how a job planned to run `plannedSeconds` actually went. */
export const drawRun = (rng: Random, plannedSeconds: number, rates: OutcomeRates): Run => {
  const planned = Math.max(1, Math.round(plannedSeconds));
  const failing = rates.algorithmError + rates.clientError + rates.internalServerError + rates.stopped;
  const ending = rng.weighted<Ending>([
    ['algorithmError', rates.algorithmError],
    ['clientError', rates.clientError],
    ['internalServerError', rates.internalServerError],
    ['stopped', rates.stopped],
    ['completed', Math.max(0, 1 - failing)],
  ]);
  switch (ending) {
    // Bugs tend to surface early in a run; bad input at once; infrastructure fails at any time.
    case 'algorithmError':
      return {
        durationSeconds: ran(planned, rng.between(0.02, 0.5), 20),
        outcome: 'Failed',
        failureReason: rng.pick(ALGORITHM_ERRORS),
      };
    case 'clientError':
      return {
        durationSeconds: ran(planned, rng.between(0.01, 0.1), 10),
        outcome: 'Failed',
        failureReason: rng.pick(CLIENT_ERRORS),
      };
    case 'internalServerError':
      return {
        durationSeconds: ran(planned, rng.between(0.05, 0.95), 30),
        outcome: 'Failed',
        failureReason: rng.pick(INTERNAL_SERVER_ERRORS),
      };
    case 'stopped':
      return { durationSeconds: ran(planned, rng.between(0.1, 0.8), 30), outcome: 'Stopped' };
    case 'completed':
      return { durationSeconds: planned, outcome: 'Completed' };
  }
};
