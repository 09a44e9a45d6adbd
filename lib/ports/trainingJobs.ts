import type { TrainingJobStatus } from '../domain/trainingJob';
import type { WarmPoolObservation } from '../domain/warmPool';

/** What DescribeTrainingJob tells poolwarden about one job. Times are epoch ms. */
export interface TrainingJobDescription {
  readonly name: string;
  readonly status: TrainingJobStatus;
  readonly instanceType: string;
  /** SageMaker's LastModifiedTime, when it answered one. */
  readonly lastModifiedMs?: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly keepAliveSeconds?: number;
  readonly failureReason?: string;
  readonly warmPool?: WarmPoolObservation;
}

/** SageMaker's training jobs, as far as poolwarden needs them. */
export interface TrainingJobs {
  /** undefined when SageMaker does not know the job (deleted, or another account's). `signal` ends the wait. */
  describe(name: string, signal?: AbortSignal): Promise<TrainingJobDescription | undefined>;
  /** UpdateTrainingJob's KeepAlivePeriodInSeconds; 0 terminates the pool. */
  setKeepAlive(name: string, seconds: number, signal?: AbortSignal): Promise<void>;
}

/** One line of ListTrainingJobs. */
export interface TrainingJobSummary {
  readonly name: string;
  readonly createdAtMs: number;
  readonly status: TrainingJobStatus;
}

/** Everything DescribeTrainingJob and ListTags tell about a job that a trace line needs. */
export interface TrainingJobDetails {
  readonly name: string;
  readonly arn: string;
  readonly status: TrainingJobStatus;
  readonly createdAtMs: number;
  readonly lastModifiedMs: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly failureReason?: string;
  readonly warmPool?: WarmPoolObservation;
  readonly roleArn: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly volumeKmsKeyId?: string;
  readonly keepAliveSeconds?: number;
  readonly securityGroupIds: readonly string[];
  readonly subnets: readonly string[];
  readonly enableNetworkIsolation: boolean;
  readonly enableInterContainerTrafficEncryption: boolean;
  readonly image?: string;
  readonly spot: boolean;
  readonly heterogeneous: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The account's training-job history, for `poolwarden import`. Apart from TrainingJobs so that
 * the functions' fakes need not implement it.
 */
export interface TrainingJobHistory {
  /** Jobs created in [fromMs, toMs), oldest first, every page. */
  listJobs(fromMs: number, toMs: number): AsyncIterable<TrainingJobSummary>;
  /** undefined when SageMaker no longer knows the job. */
  details(name: string): Promise<TrainingJobDetails | undefined>;
}
