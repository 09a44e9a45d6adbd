import { type JobLocation, locationOfJobArn, sameLocation } from '../domain/jobLocation';
import type { JobRecord } from '../domain/jobRecord';
import { matchKey, normaliseCriteria } from '../domain/matchKey';
import { type OwnerTagKeys, resolveOwner } from '../domain/owner';
import { isTerminal, type JobSnapshot } from '../domain/trainingJob';
import type { TrainingJobDescription, TrainingJobDetails } from '../ports/trainingJobs';
import type { WarmPoolCatalog } from '../ports/warmPoolCatalog';
import type { DetectReuseDeps } from './detectReuse';
import { ingestJobEvent } from './ingestJobEvent';
import type { LedgerFact } from './ledgerFacts';
import { observeDescription } from './observeDescription';

export interface AdoptDeps extends DetectReuseDeps {
  readonly catalog: WarmPoolCatalog;
  readonly tagKeys: OwnerTagKeys;
  /** The deployment's own account and region; absent: one account, one region. */
  readonly home?: JobLocation;
}

/**
 * The snapshot a state-change event would have carried, from what DescribeTrainingJob and ListTags
 * say. `d.name` is already the ledger's name for the job; its ARN tells where it lives, and a job
 * outside `home` has its account and region in its match key, as parseJobStateChange gives it.
 */
export const snapshotFromDetails = (
  d: TrainingJobDetails,
  tagKeys: OwnerTagKeys,
  home?: JobLocation,
): JobSnapshot => {
  const criteria = normaliseCriteria({
    roleArn: d.roleArn,
    instanceType: d.instanceType,
    instanceCount: d.instanceCount,
    volumeSizeInGB: d.volumeSizeInGB,
    volumeKmsKeyId: d.volumeKmsKeyId ?? null,
    securityGroupIds: d.securityGroupIds,
    subnets: d.subnets,
    enableNetworkIsolation: d.enableNetworkIsolation,
    enableInterContainerTrafficEncryption: d.enableInterContainerTrafficEncryption,
  });
  const identity = resolveOwner(d.tags, tagKeys);
  const location = locationOfJobArn(d.arn);
  const own = home ?? location;
  const elsewhere = location && own && !sameLocation(location, own) ? location : undefined;
  return {
    name: d.name,
    ...(location ? { location } : {}),
    arn: d.arn,
    status: d.status,
    lastModifiedMs: d.lastModifiedMs,
    createdAtMs: d.createdAtMs,
    criteria,
    matchKey: matchKey(criteria, elsewhere),
    spot: d.spot,
    heterogeneous: d.heterogeneous,
    tags: d.tags,
    ...(d.startedAtMs !== undefined ? { startedAtMs: d.startedAtMs } : {}),
    ...(d.endedAtMs !== undefined ? { endedAtMs: d.endedAtMs } : {}),
    ...(d.failureReason ? { failureReason: d.failureReason } : {}),
    ...(d.keepAliveSeconds !== undefined ? { keepAliveSeconds: d.keepAliveSeconds } : {}),
    ...(identity.owner ? { owner: identity.owner } : {}),
    ...(identity.team ? { team: identity.team } : {}),
  };
};

const descriptionFromDetails = (d: TrainingJobDetails): TrainingJobDescription => ({
  name: d.name,
  status: d.status,
  instanceType: d.instanceType,
  ...(d.startedAtMs !== undefined ? { startedAtMs: d.startedAtMs } : {}),
  ...(d.endedAtMs !== undefined ? { endedAtMs: d.endedAtMs } : {}),
  ...(d.keepAliveSeconds !== undefined ? { keepAliveSeconds: d.keepAliveSeconds } : {}),
  ...(d.failureReason ? { failureReason: d.failureReason } : {}),
  ...(d.warmPool ? { warmPool: d.warmPool } : {}),
});

/** What the caller of adoptJob has just read, so that it is not asked again. */
export interface AlreadyKnown {
  /** The job's record in the ledger. */
  readonly read?: JobRecord;
  /** SageMaker's DescribeTrainingJob answer. */
  readonly described?: TrainingJobDescription;
}

/**
 * A job the ledger recorded from an earlier event (its start, most often: its end event is late
 * or lost) needs only a describe: what the event carried of it that DescribeTrainingJob does
 * not (its tags, owner, match key) was recorded then, so ListTags is not called. The tags are
 * those of that event; a tag added since shows at the job's own end event, if it comes.
 */
const fromRecordedStart = async (
  deps: AdoptDeps,
  job: JobSnapshot | undefined,
  name: string,
  known: AlreadyKnown,
): Promise<
  { snapshot: JobSnapshot; description: TrainingJobDescription } | 'unknown-to-sagemaker' | undefined
> => {
  if (!job) return undefined;
  const description = known.described ?? (await deps.trainingJobs.describe(name));
  if (!description) return 'unknown-to-sagemaker';
  if (description.lastModifiedMs === undefined) return undefined;
  const { secondaryStatus: _stale, startedAtMs: _s, endedAtMs: _e, failureReason: _f, ...recorded } = job;
  const snapshot: JobSnapshot = {
    ...recorded,
    status: description.status,
    lastModifiedMs: description.lastModifiedMs,
    ...(description.startedAtMs !== undefined ? { startedAtMs: description.startedAtMs } : {}),
    ...(description.endedAtMs !== undefined ? { endedAtMs: description.endedAtMs } : {}),
    ...(description.failureReason ? { failureReason: description.failureReason } : {}),
    ...(description.keepAliveSeconds !== undefined ? { keepAliveSeconds: description.keepAliveSeconds } : {}),
  };
  return { snapshot, description };
};

/**
 * A job whose events never arrived (lost, or dead-lettered): recorded as if its latest event
 * had, from SageMaker's own answers, so its pool is known, its owner told and the policy applied.
 */
export const adoptJob = async (
  deps: AdoptDeps,
  name: string,
  known: AlreadyKnown = {},
): Promise<LedgerFact[]> => {
  // Read once: its pool as the ledger knows it is recorded with the end (ingestJobEvent.ts).
  const read = known.read ?? (await deps.ledger.getJob(name));
  const recorded = await fromRecordedStart(deps, read?.job, name, known);
  if (recorded === 'unknown-to-sagemaker') return [];
  let snapshot = recorded?.snapshot;
  let description = recorded?.description;
  if (!snapshot || !description) {
    const details = await deps.catalog.details(name);
    if (!details) return [];
    description = descriptionFromDetails(details);
    snapshot = snapshotFromDetails(details, deps.tagKeys, deps.home);
  }
  const result = await ingestJobEvent(deps, snapshot, {
    kind: 'sagemaker',
    description,
    ...(read ? { read } : {}),
  });
  // An end's pool is recorded, stale or not, by ingestJobEvent.
  if (result.kind === 'applied' || isTerminal(snapshot.status)) return [...result.facts];
  // The ledger holds a newer snapshot, but not this pool: what SageMaker says of it still counts.
  return [...result.facts, ...(await observeDescription(deps, result.recorded, description))];
};
