import type { TrainingJobStatus } from '../domain/trainingJob';
import type { WarmPoolStatus } from '../domain/warmPool';
import type { TrainingJobDetails } from './trainingJobs';

/** One line of ListTrainingJobs, as the reconciler reads it. */
export interface JobListing {
  readonly name: string;
  readonly status: TrainingJobStatus;
  readonly warmPoolStatus?: WarmPoolStatus;
  /** The job that took the pool, once it is Reused. */
  readonly reusedByJob?: string;
  /** The pool's billable seconds, which SageMaker fills once it is Reused or Terminated. */
  readonly billableSeconds?: number;
  /** SageMaker's TrainingEndTime. */
  readonly endedAtMs?: number;
  /** SageMaker's LastModifiedTime: when the job's status last changed (see reconcileWindow.ts). */
  readonly lastModifiedMs?: number;
  /** SageMaker's CreationTime: for a job that took a pool, about when it took it. */
  readonly createdAtMs?: number;
}

/** A listing and what it cost: ListTrainingJobs pages before it filters, so calls follow history. */
export interface Listing {
  readonly jobs: readonly JobListing[];
  readonly calls: number;
  /**
   * Absent: every page was read. Present: the listing stopped paging when told to (its time ran
   * out); the jobs are sorted by CreationTime ascending, so the jobs created at or after this
   * instant were not all read, and the next part starts from it.
   */
  readonly resumeFromMs?: number;
  /**
   * Why a part stopped before its time was up: a page failed (SageMaker throttling past the
   * SDK's retries) after others were read; what they held is kept and the next part resumes.
   */
  readonly interrupted?: string;
}

/** A part of a listing whose pages may outlast one invocation (the 28-day listing of a busy account). */
export interface ListingPart {
  /** Only jobs created at or after this instant (where the previous part stopped). */
  readonly createdFromMs?: number;
  /** Asked before each page after the first: false stops the listing there (Listing.resumeFromMs). */
  readonly keepPaging?: () => boolean;
}

/** What SageMaker holds, as the sweep's reconciler asks for it. */
export interface WarmPoolCatalog {
  /**
   * Jobs whose pool is Available, among the jobs last modified after `modifiedAfterMs`: every
   * page, or of `part` only the pages its `keepPaging` lets through.
   */
  availablePools(modifiedAfterMs: number, part?: ListingPart): Promise<Listing>;
  /** Jobs whose LastModifiedTime is after `modifiedAfterMs`, whatever their state; every page. */
  changedJobs(modifiedAfterMs: number): Promise<Listing>;
  /** Everything the ledger records of a job it never heard of; undefined when SageMaker does not know it. */
  details(name: string): Promise<TrainingJobDetails | undefined>;
}
