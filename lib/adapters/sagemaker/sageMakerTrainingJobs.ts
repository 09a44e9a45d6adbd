import {
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  paginateListTags,
  paginateListTrainingJobs,
  type SageMakerClient,
  type TrainingJobSummary as TrainingJobSummaryOutput,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { clusterShape } from '../../domain/clusterShape';
import type { TrainingJobStatus } from '../../domain/trainingJob';
import type { WarmPoolStatus } from '../../domain/warmPool';
import type {
  TrainingJobDescription,
  TrainingJobDetails,
  TrainingJobHistory,
  TrainingJobSummary,
  TrainingJobs,
} from '../../ports/trainingJobs';
import type { JobListing, Listing, ListingPart, WarmPoolCatalog } from '../../ports/warmPoolCatalog';

/** SageMaker answers an unknown job with ResourceNotFound, or in practice a ValidationException saying so. */
export const isJobNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFound' ||
    (error.name === 'ValidationException' && /not found|does not exist/i.test(error.message)));

const warmPoolOf = (out: DescribeTrainingJobCommandOutput) => {
  const wp = out.WarmPoolStatus;
  return wp?.Status
    ? {
        warmPool: {
          status: wp.Status as WarmPoolStatus,
          ...(wp.ReusedByJob ? { reusedByJob: wp.ReusedByJob } : {}),
          ...(wp.ResourceRetainedBillableTimeInSeconds !== undefined
            ? { billableSeconds: wp.ResourceRetainedBillableTimeInSeconds }
            : {}),
        },
      }
    : {};
};

const toDescription = (out: DescribeTrainingJobCommandOutput): TrainingJobDescription => {
  return {
    name: out.TrainingJobName ?? '',
    status: (out.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
    instanceType: out.ResourceConfig?.InstanceType ?? '',
    ...(out.LastModifiedTime ? { lastModifiedMs: out.LastModifiedTime.getTime() } : {}),
    ...(out.TrainingStartTime ? { startedAtMs: out.TrainingStartTime.getTime() } : {}),
    ...(out.TrainingEndTime ? { endedAtMs: out.TrainingEndTime.getTime() } : {}),
    ...(out.ResourceConfig?.KeepAlivePeriodInSeconds !== undefined
      ? { keepAliveSeconds: out.ResourceConfig.KeepAlivePeriodInSeconds }
      : {}),
    ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
    ...warmPoolOf(out),
  };
};

/** ListTrainingJobs' largest page: the fewest calls for a listing whose cost follows history. */
const LIST_PAGE_SIZE = 100;

/**
 * A resumed listing starts this much before where the last part stopped: the jobs created in the
 * same instant as the last one read may lie across the page boundary, and the request's time
 * may travel at a coarser precision than milliseconds. Jobs read twice are harmless.
 */
const RESUME_OVERLAP_MS = 1_000;

const listingOf = (name: string, summary: TrainingJobSummaryOutput): JobListing => ({
  name,
  status: (summary.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
  ...(summary.WarmPoolStatus?.Status
    ? { warmPoolStatus: summary.WarmPoolStatus.Status as WarmPoolStatus }
    : {}),
  ...(summary.WarmPoolStatus?.ReusedByJob ? { reusedByJob: summary.WarmPoolStatus.ReusedByJob } : {}),
  ...(summary.WarmPoolStatus?.ResourceRetainedBillableTimeInSeconds !== undefined
    ? { billableSeconds: summary.WarmPoolStatus.ResourceRetainedBillableTimeInSeconds }
    : {}),
  ...(summary.LastModifiedTime ? { lastModifiedMs: summary.LastModifiedTime.getTime() } : {}),
  ...(summary.TrainingEndTime ? { endedAtMs: summary.TrainingEndTime.getTime() } : {}),
  ...(summary.CreationTime ? { createdAtMs: summary.CreationTime.getTime() } : {}),
});

export class SageMakerTrainingJobs implements TrainingJobs, TrainingJobHistory, WarmPoolCatalog {
  constructor(private readonly client: SageMakerClient) {}

  /**
   * `signal` abandons the call, retries included (a caller that must answer in time). Without
   * one, no options at all: a client that caches its middleware chain (the SDK's
   * cacheMiddleware, the local stack's) reuses it only for calls sent without options.
   */
  async describe(name: string, signal?: AbortSignal): Promise<TrainingJobDescription | undefined> {
    try {
      return toDescription(
        await this.client.send(
          new DescribeTrainingJobCommand({ TrainingJobName: name }),
          signal ? { abortSignal: signal } : undefined,
        ),
      );
    } catch (error) {
      if (isJobNotFound(error)) return undefined;
      throw error;
    }
  }

  async setKeepAlive(name: string, seconds: number, signal?: AbortSignal): Promise<void> {
    await this.client.send(
      new UpdateTrainingJobCommand({
        TrainingJobName: name,
        ResourceConfig: { KeepAlivePeriodInSeconds: seconds },
      }),
      signal ? { abortSignal: signal } : undefined,
    );
  }

  /**
   * Asked without WarmPoolStatusEquals and filtered here: SageMaker takes a page before it
   * filters, so the filter saves no call, and the unfiltered pages tell how far the listing got
   * (the last job's CreationTime), which is where a listing stopped for time resumes.
   */
  async availablePools(modifiedAfterMs: number, part: ListingPart = {}): Promise<Listing> {
    const listing = await this.list(
      {
        LastModifiedTimeAfter: new Date(modifiedAfterMs),
        ...(part.createdFromMs !== undefined
          ? { CreationTimeAfter: new Date(part.createdFromMs - RESUME_OVERLAP_MS) }
          : {}),
      },
      part.keepPaging,
    );
    return { ...listing, jobs: listing.jobs.filter((job) => job.warmPoolStatus === 'Available') };
  }

  changedJobs(modifiedAfterMs: number): Promise<Listing> {
    return this.list({ LastModifiedTimeAfter: new Date(modifiedAfterMs) });
  }

  /**
   * Every page (a page may be empty and still carry a NextToken, since SageMaker filters after
   * paging), or until `keepPaging` says stop before one: then the listing tells where to resume.
   */
  private async list(
    filter: { LastModifiedTimeAfter: Date; CreationTimeAfter?: Date },
    keepPaging?: () => boolean,
  ): Promise<Listing> {
    const jobs: JobListing[] = [];
    let calls = 0;
    let lastCreatedMs: number | undefined;
    let stopped = false;
    let interrupted: string | undefined;
    try {
      for await (const page of paginateListTrainingJobs(
        { client: this.client, pageSize: LIST_PAGE_SIZE },
        { ...filter, SortBy: 'CreationTime', SortOrder: 'Ascending' },
      )) {
        calls++;
        for (const summary of page.TrainingJobSummaries ?? []) {
          if (summary.CreationTime) lastCreatedMs = summary.CreationTime.getTime();
          if (!summary.TrainingJobName) continue;
          jobs.push(listingOf(summary.TrainingJobName, summary));
        }
        if (page.NextToken && keepPaging && !keepPaging()) {
          stopped = true;
          break;
        }
      }
    } catch (error) {
      // A listing in parts keeps the pages it read, and the next part resumes after them: on a
      // big account throttled at the same depth every time, starting over would never end.
      if (!keepPaging || lastCreatedMs === undefined) throw error;
      stopped = true;
      interrupted = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (!stopped) return { jobs, calls };
    // A part always moves on, even past a second holding more jobs than a page (see RESUME_OVERLAP_MS).
    const fromMs = filter.CreationTimeAfter ? filter.CreationTimeAfter.getTime() + 2 * RESUME_OVERLAP_MS : 0;
    return {
      jobs,
      calls,
      resumeFromMs: Math.max(lastCreatedMs ?? fromMs, fromMs),
      ...(interrupted ? { interrupted } : {}),
    };
  }

  async *listJobs(fromMs: number, toMs: number): AsyncIterable<TrainingJobSummary> {
    for await (const page of paginateListTrainingJobs(
      { client: this.client, pageSize: 100 },
      {
        CreationTimeAfter: new Date(fromMs),
        CreationTimeBefore: new Date(toMs),
        SortBy: 'CreationTime',
        SortOrder: 'Ascending',
      },
    )) {
      for (const summary of page.TrainingJobSummaries ?? []) {
        if (!summary.TrainingJobName || !summary.CreationTime) continue;
        yield {
          name: summary.TrainingJobName,
          createdAtMs: summary.CreationTime.getTime(),
          status: (summary.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
        };
      }
    }
  }

  async details(name: string): Promise<TrainingJobDetails | undefined> {
    let out: DescribeTrainingJobCommandOutput;
    try {
      out = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    } catch (error) {
      if (isJobNotFound(error)) return undefined;
      throw error;
    }
    const arn = out.TrainingJobArn ?? '';
    const tags: Record<string, string> = {};
    if (arn) {
      for await (const page of paginateListTags({ client: this.client }, { ResourceArn: arn })) {
        for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      }
    }
    const rc = out.ResourceConfig;
    const cluster = clusterShape({
      instanceType: rc?.InstanceType,
      instanceCount: rc?.InstanceCount,
      instanceGroups: rc?.InstanceGroups?.map((g) => ({
        instanceType: g.InstanceType ?? '',
        instanceCount: g.InstanceCount ?? 0,
      })),
    });
    return {
      name: out.TrainingJobName ?? name,
      arn,
      status: (out.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
      createdAtMs: out.CreationTime?.getTime() ?? 0,
      lastModifiedMs: out.LastModifiedTime?.getTime() ?? out.CreationTime?.getTime() ?? 0,
      ...warmPoolOf(out),
      ...(out.TrainingStartTime ? { startedAtMs: out.TrainingStartTime.getTime() } : {}),
      ...(out.TrainingEndTime ? { endedAtMs: out.TrainingEndTime.getTime() } : {}),
      ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
      roleArn: out.RoleArn ?? '',
      instanceType: cluster.instanceType,
      instanceCount: cluster.instanceCount,
      volumeSizeInGB: rc?.VolumeSizeInGB ?? 0,
      ...(rc?.VolumeKmsKeyId ? { volumeKmsKeyId: rc.VolumeKmsKeyId } : {}),
      ...(rc?.KeepAlivePeriodInSeconds !== undefined
        ? { keepAliveSeconds: rc.KeepAlivePeriodInSeconds }
        : {}),
      securityGroupIds: out.VpcConfig?.SecurityGroupIds ?? [],
      subnets: out.VpcConfig?.Subnets ?? [],
      enableNetworkIsolation: out.EnableNetworkIsolation ?? false,
      enableInterContainerTrafficEncryption: out.EnableInterContainerTrafficEncryption ?? false,
      ...(out.AlgorithmSpecification?.TrainingImage
        ? { image: out.AlgorithmSpecification.TrainingImage }
        : {}),
      spot: out.EnableManagedSpotTraining ?? false,
      heterogeneous: cluster.heterogeneous,
      tags,
    };
  }
}
