import type { JobLocation } from './jobLocation';
import type { MatchCriteria } from './matchKey';

/** SageMaker's TrainingJobStatus values. */
export const TRAINING_JOB_STATUSES = [
  'InProgress',
  'Completed',
  'Failed',
  'Stopping',
  'Stopped',
  'Deleting',
] as const;
export type TrainingJobStatus = (typeof TRAINING_JOB_STATUSES)[number];

export type TerminalStatus = 'Completed' | 'Failed' | 'Stopped';

export const isTerminal = (status: TrainingJobStatus): status is TerminalStatus =>
  status === 'Completed' || status === 'Failed' || status === 'Stopped';

/**
 * Orders two snapshots that carry the same LastModifiedTime: a job only moves forward
 * through these, so the later status wins a tie.
 */
const STATUS_RANK: Record<TrainingJobStatus, number> = {
  InProgress: 1,
  Stopping: 2,
  Completed: 3,
  Failed: 3,
  Stopped: 3,
  Deleting: 4,
};

export const statusRank = (status: TrainingJobStatus): number => STATUS_RANK[status];

/**
 * Whether a snapshot replaces the one recorded (none, an older one, or the same instant at an
 * earlier or equal status: a copy applies again): the ledger's rule for every snapshot write.
 */
export const supersedes = (
  snapshot: Pick<JobSnapshot, 'lastModifiedMs' | 'status'>,
  recorded: { readonly lastModifiedMs: number; readonly statusRank: number } | undefined,
): boolean =>
  !recorded ||
  recorded.lastModifiedMs < snapshot.lastModifiedMs ||
  (recorded.lastModifiedMs === snapshot.lastModifiedMs && recorded.statusRank <= statusRank(snapshot.status));

/** What a state-change event tells about one training job, normalised. Times are epoch ms. */
export interface JobSnapshot {
  /** The name poolwarden records the job under: see jobRef() in jobLocation.ts. */
  readonly name: string;
  /** Where the job lives; absent in snapshots recorded before there were several accounts. */
  readonly location?: JobLocation;
  readonly arn: string;
  readonly status: TrainingJobStatus;
  readonly secondaryStatus?: string;
  readonly lastModifiedMs: number;
  readonly createdAtMs: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly failureReason?: string;
  readonly criteria: MatchCriteria;
  readonly matchKey: string;
  readonly keepAliveSeconds?: number;
  readonly spot: boolean;
  readonly heterogeneous: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly owner?: string;
  readonly team?: string;
}
