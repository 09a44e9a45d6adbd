import type { TrainingJobStatus } from '../domain/trainingJob';
import type { WarmPoolObservation } from '../domain/warmPool';

/** What DescribeTrainingJob tells poolwarden about one job. Times are epoch ms. */
export interface TrainingJobDescription {
  readonly name: string;
  readonly status: TrainingJobStatus;
  readonly instanceType: string;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly keepAliveSeconds?: number;
  readonly failureReason?: string;
  readonly warmPool?: WarmPoolObservation;
}

/** SageMaker's training jobs, as far as poolwarden needs them. */
export interface TrainingJobs {
  /** undefined when SageMaker does not know the job (deleted, or another account's). */
  describe(name: string): Promise<TrainingJobDescription | undefined>;
  /** UpdateTrainingJob's KeepAlivePeriodInSeconds; 0 terminates the pool. */
  setKeepAlive(name: string, seconds: number): Promise<void>;
}
