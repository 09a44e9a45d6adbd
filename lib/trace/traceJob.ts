/** How a training job of a trace ends. */
export const TRACE_OUTCOMES = ['Completed', 'Failed', 'Stopped'] as const;
export type TraceOutcome = (typeof TRACE_OUTCOMES)[number];

/** SageMaker's rule for training job names; it also caps them at 63 characters. */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const JOB_NAME_MAX_LENGTH = 63;

/** SageMaker refuses a MaxRuntimeInSeconds above 28 days, so no trace job can run longer. */
export const MAX_DURATION_SECONDS = 28 * 24 * 3600;

/**
 * The largest keep-alive the SDK model accepts (21600 s since December 2025). The trace
 * accepts it so that a run can test the service's limit; the emulator applies its own cap.
 */
export const MAX_TRACE_KEEP_ALIVE_SECONDS = 21_600;

export interface TraceVpc {
  readonly securityGroupIds: readonly string[];
  readonly subnets: readonly string[];
}

/**
 * One submitted training job of a trace (one line of a JSON Lines file), with every
 * optional field of the format filled with its default.
 */
export interface TraceJob {
  readonly name: string;
  /** The submission instant, normalised to UTC (`Date.prototype.toISOString`). */
  readonly submitAt: string;
  readonly submitAtMs: number;
  /**
   * How long the training runs once its instances are ready, up to its outcome (the stop
   * request for Stopped). The start-up time, cold or warm, is the emulator's to add.
   */
  readonly durationSeconds: number;
  readonly outcome: TraceOutcome;
  /** Only for Failed: "AlgorithmError: …" keeps a warm pool, "InternalServerError: …" does not. */
  readonly failureReason?: string;
  readonly roleArn: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly keepAliveSeconds: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly vpc: TraceVpc;
  readonly volumeKmsKeyId: string | null;
  readonly enableNetworkIsolation: boolean;
  readonly enableInterContainerTrafficEncryption: boolean;
  /** Not a warm-pool match criterion: jobs with different images may share a pool. */
  readonly image?: string;
  /** The job's account and region; absent: the local stack's own (or, imported, the account read). */
  readonly account?: string;
  readonly region?: string;
}
