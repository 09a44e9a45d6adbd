import type { TrainingJobDetails, TrainingJobHistory } from '../ports/trainingJobs';
import { JOB_NAME_PATTERN, MAX_DURATION_SECONDS, type TraceJob, type TraceOutcome } from '../trace/traceJob';
import { mapBounded } from './mapBounded';

/** Why a job of the account's history is not in the imported trace. */
export type SkipReason = 'not-finished' | 'spot' | 'heterogeneous' | 'unknown' | 'invalid';

export interface ImportResult {
  readonly jobs: readonly TraceJob[];
  readonly listed: number;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

const OUTCOMES: ReadonlySet<string> = new Set<TraceOutcome>(['Completed', 'Failed', 'Stopped']);

/** One finished job as a trace line, or why it cannot be one. */
export const traceJobOf = (d: TrainingJobDetails): TraceJob | SkipReason => {
  if (!OUTCOMES.has(d.status)) return 'not-finished';
  // The trace format has no spot or heterogeneous jobs: replayed on demand, they would keep pools they never had.
  if (d.spot) return 'spot';
  if (d.heterogeneous) return 'heterogeneous';
  if (!JOB_NAME_PATTERN.test(d.name) || !d.instanceType || d.instanceCount < 1 || !d.roleArn)
    return 'invalid';
  const ran =
    d.startedAtMs !== undefined && d.endedAtMs !== undefined
      ? Math.round((d.endedAtMs - d.startedAtMs) / 1000)
      : 1;
  return {
    name: d.name,
    submitAt: new Date(d.createdAtMs).toISOString(),
    submitAtMs: d.createdAtMs,
    durationSeconds: Math.min(MAX_DURATION_SECONDS, Math.max(1, ran)),
    outcome: d.status as TraceOutcome,
    ...(d.status === 'Failed' && d.failureReason ? { failureReason: d.failureReason } : {}),
    roleArn: d.roleArn,
    instanceType: d.instanceType,
    instanceCount: d.instanceCount,
    volumeSizeInGB: Math.max(1, d.volumeSizeInGB),
    keepAliveSeconds: d.keepAliveSeconds ?? 0,
    tags: d.tags,
    vpc: { securityGroupIds: d.securityGroupIds, subnets: d.subnets },
    volumeKmsKeyId: d.volumeKmsKeyId ?? null,
    enableNetworkIsolation: d.enableNetworkIsolation,
    enableInterContainerTrafficEncryption: d.enableInterContainerTrafficEncryption,
    ...(d.image ? { image: d.image } : {}),
  };
};

/**
 * The account's training jobs created in [fromMs, toMs) as a trace: ListTrainingJobs, then
 * DescribeTrainingJob and ListTags per job, a few at a time (the SDK retries throttling).
 */
export const importHistory = async (
  history: TrainingJobHistory,
  fromMs: number,
  toMs: number,
  onProgress: (done: number, total: number) => void = () => {},
  concurrency = 4,
): Promise<ImportResult> => {
  const names: string[] = [];
  for await (const summary of history.listJobs(fromMs, toMs)) {
    names.push(summary.name);
    onProgress(0, names.length);
  }
  let done = 0;
  const converted = await mapBounded(names, concurrency, async (name) => {
    const details = await history.details(name);
    onProgress(++done, names.length);
    return details ? traceJobOf(details) : ('unknown' as const);
  });
  const skipped: Partial<Record<SkipReason, number>> = {};
  const jobs: TraceJob[] = [];
  for (const c of converted) {
    if (typeof c === 'string') skipped[c] = (skipped[c] ?? 0) + 1;
    else jobs.push(c);
  }
  jobs.sort((a, b) => a.submitAtMs - b.submitAtMs || a.name.localeCompare(b.name));
  return { jobs, listed: names.length, skipped };
};
