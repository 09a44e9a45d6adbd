import { type JobLocation, locationOfJobArn, sameLocation } from '../domain/jobLocation';
import { matchKey, normaliseCriteria } from '../domain/matchKey';
import { type OwnerTagKeys, resolveOwner } from '../domain/owner';
import type { JobSnapshot } from '../domain/trainingJob';
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

/**
 * A job whose events never arrived (lost, or dead-lettered): recorded as if its latest event
 * had, from SageMaker's own answers, so its pool is known, its owner told and the policy applied.
 */
export const adoptJob = async (deps: AdoptDeps, name: string): Promise<LedgerFact[]> => {
  const details = await deps.catalog.details(name);
  if (!details) return [];
  const description = descriptionFromDetails(details);
  const result = await ingestJobEvent(
    deps,
    snapshotFromDetails(details, deps.tagKeys, deps.home),
    description,
  );
  if (result.kind === 'applied') return [...result.facts];
  // The ledger holds a newer snapshot, but not this pool: what SageMaker says of it still counts.
  return [...result.facts, ...(await observeDescription(deps, result.recorded, description))];
};
