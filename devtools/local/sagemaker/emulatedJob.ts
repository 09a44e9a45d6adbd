import type { MatchCriteria } from '../../../lib/domain/matchKey';
import type { TrainingJobStatus } from '../../../lib/domain/trainingJob';
import type { NoPoolReason, WarmPoolStatus } from '../../../lib/domain/warmPool';

/** How a simulated training job ends once its training time has run out. */
export type JobOutcome = 'Completed' | 'Failed' | 'Stopped';
export const JOB_OUTCOMES: readonly JobOutcome[] = ['Completed', 'Failed', 'Stopped'];

/** The SecondaryStatus values the emulator walks through. */
export type SecondaryStatus = 'Starting' | 'Training' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface InstanceGroup {
  readonly instanceGroupName: string;
  readonly instanceType: string;
  readonly instanceCount: number;
}

export interface VpcSpec {
  readonly securityGroupIds: readonly string[];
  readonly subnets: readonly string[];
}

/** What CreateTrainingJob asks for, as far as the emulator interprets it. */
export interface TrainingJobSpec {
  readonly name: string;
  readonly roleArn: string;
  /** For a heterogeneous cluster: the group types joined with '+', as the event parser does. */
  readonly instanceType: string;
  /** For a heterogeneous cluster: the sum over the groups. */
  readonly instanceCount: number;
  readonly instanceGroups?: readonly InstanceGroup[];
  readonly volumeSizeInGB: number;
  readonly volumeKmsKeyId?: string;
  readonly vpc?: VpcSpec;
  readonly enableNetworkIsolation?: boolean;
  readonly enableInterContainerTrafficEncryption?: boolean;
  readonly spot?: boolean;
  readonly keepAliveSeconds?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly image?: string;
  /** Request members the emulator does not interpret but DescribeTrainingJob echoes back. */
  readonly echo?: Readonly<Record<string, unknown>>;
}

/** What the simulation decides in advance about a job: how long it trains and how it ends. */
export interface SimulatedRun {
  readonly durationSeconds: number;
  readonly outcome: JobOutcome;
  /** Only for outcome Failed; defaults to an AlgorithmError (the job's own fault). */
  readonly failureReason?: string;
}

/** The runner's way in: CreateTrainingJob at the clock's current time, with its simulated run. */
export interface SubmitRequest extends Omit<TrainingJobSpec, 'echo'>, SimulatedRun {}

export interface WarmPoolView {
  readonly status: WarmPoolStatus;
  readonly reusedByJob?: string;
  /** Filled only once Reused or Terminated, as SageMaker does. */
  readonly billableSeconds?: number;
}

export interface SecondaryTransition {
  readonly status: SecondaryStatus;
  readonly startMs: number;
  readonly endMs?: number;
  readonly message: string;
}

/** Why a job that ended holds no warm pool (the domain's reasons, plus the emulator's own). */
export type EmulatedNoPoolReason = NoPoolReason | 'no-keep-alive' | 'lifetime-cap-reached';

/** One training job as the emulator holds it. Read-only outside the model. */
export interface EmulatedJob {
  readonly seq: number;
  readonly spec: TrainingJobSpec;
  readonly run: SimulatedRun;
  readonly arn: string;
  readonly criteria: MatchCriteria;
  readonly matchKey: string;
  readonly createdAtMs: number;
  readonly status: TrainingJobStatus;
  readonly secondaryStatus: SecondaryStatus;
  readonly transitions: readonly SecondaryTransition[];
  readonly lastModifiedMs: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly failureReason?: string;
  /** The current KeepAlivePeriodInSeconds: UpdateTrainingJob changes it. */
  readonly keepAliveSeconds?: number;
  readonly tags: ReadonlyMap<string, string>;
  readonly warmStart: boolean;
  readonly startupSeconds: number;
  readonly warmPool?: WarmPoolView;
  /** The pool (chain) this job ran on or left, when it has one. */
  readonly poolId?: string;
  /** The job whose Available pool this job took at creation. */
  readonly reusedPoolOf?: string;
  readonly noPoolReason?: EmulatedNoPoolReason;
}

export type PoolState = 'InUse' | 'Available' | 'Terminated';
export type PoolEndReason =
  | 'expired'
  | 'keep-alive-set-to-zero'
  | 'lifetime-cap-reached'
  | 'ended-without-pool';

/** One cluster handed from job to job: a warm pool's whole life. Read-only outside the model. */
export interface EmulatedPool {
  /** The name of the first job that left the pool. */
  readonly id: string;
  readonly matchKey: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** The jobs that held the cluster, in order; the last one is the head. */
  readonly jobs: readonly string[];
  readonly state: PoolState;
  /** When the first job left the pool: the lifetime cap counts from here. */
  readonly bornAtMs: number;
  readonly availableSinceMs?: number;
  readonly expiresAtMs?: number;
  readonly terminatedAtMs?: number;
  readonly endReason?: PoolEndReason;
  /** Sum of the billable seconds of every job of the chain. */
  readonly idleBillableSeconds: number;
}
