import { clusterShape } from '../../../lib/domain/clusterShape';
import { LOCAL_CLOCK_OPERATION } from '../../../lib/wiring/localStack';
import { SageMakerApiError, validationError } from './apiErrors';
import {
  addTagsRequest,
  type CreateTrainingJobRequest,
  createTrainingJobRequest,
  jobNameRequest,
  listTagsRequest,
  listTrainingJobsRequest,
  parseRequest,
  updateTrainingJobRequest,
} from './apiRequests';
import { describeTrainingJobResponse, tagList } from './apiResponses';
import type { InstanceGroup, TrainingJobSpec } from './emulatedJob';
import type { ThrottleOptions } from './emulatorOptions';
import { checkJobName } from './jobSpecValidation';
import { type ListingRow, listingPage, listingRows } from './listTrainingJobs';
import { simulatedRunFromTags } from './simulationTags';
import type { WarmPoolModel } from './warmPoolModel';

export const OPERATIONS = [
  'CreateTrainingJob',
  'DescribeTrainingJob',
  'ListTrainingJobs',
  'UpdateTrainingJob',
  'StopTrainingJob',
  'ListTags',
  'AddTags',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface CallCount {
  /** Every call received, throttled and failed ones included: what a rate quota would count. */
  readonly calls: number;
  readonly throttled: number;
  /** Calls answered with an error other than throttling. */
  readonly failed: number;
}

type JsonObject = Record<string, unknown>;

const isOperation = (name: string): name is Operation => (OPERATIONS as readonly string[]).includes(name);

const tagRecord = (tags: readonly { Key: string; Value: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

/** CreateTrainingJob's JSON, as the model's spec: what the emulator interprets, and what it echoes. */
const specOf = (request: CreateTrainingJobRequest): TrainingJobSpec => {
  const rc = request.ResourceConfig;
  const groups: InstanceGroup[] = (rc.InstanceGroups ?? []).map((g) => ({
    instanceGroupName: g.InstanceGroupName,
    instanceType: g.InstanceType,
    instanceCount: g.InstanceCount,
  }));
  if (groups.length === 0 && (rc.InstanceType === undefined || rc.InstanceCount === undefined)) {
    throw validationError('ResourceConfig needs InstanceType and InstanceCount, or InstanceGroups.');
  }
  if (groups.length > 0 && (rc.InstanceType !== undefined || rc.InstanceCount !== undefined)) {
    throw validationError(
      'ResourceConfig takes either InstanceType and InstanceCount, or InstanceGroups, not both.',
    );
  }
  const echo: Record<string, unknown> = {
    AlgorithmSpecification: request.AlgorithmSpecification,
    OutputDataConfig: request.OutputDataConfig,
    StoppingCondition: request.StoppingCondition,
  };
  for (const member of ['HyperParameters', 'InputDataConfig', 'CheckpointConfig', 'Environment'] as const) {
    if (request[member] !== undefined) echo[member] = request[member];
  }
  const image = request.AlgorithmSpecification.TrainingImage;
  const cluster = clusterShape({
    instanceType: rc.InstanceType,
    instanceCount: rc.InstanceCount,
    instanceGroups: groups,
  });
  return {
    name: request.TrainingJobName,
    roleArn: request.RoleArn,
    instanceType: cluster.instanceType,
    instanceCount: cluster.instanceCount,
    ...(groups.length > 0 ? { instanceGroups: groups } : {}),
    volumeSizeInGB: rc.VolumeSizeInGB,
    ...(rc.VolumeKmsKeyId ? { volumeKmsKeyId: rc.VolumeKmsKeyId } : {}),
    ...(request.VpcConfig
      ? { vpc: { securityGroupIds: request.VpcConfig.SecurityGroupIds, subnets: request.VpcConfig.Subnets } }
      : {}),
    ...(request.EnableNetworkIsolation !== undefined
      ? { enableNetworkIsolation: request.EnableNetworkIsolation }
      : {}),
    ...(request.EnableInterContainerTrafficEncryption !== undefined
      ? { enableInterContainerTrafficEncryption: request.EnableInterContainerTrafficEncryption }
      : {}),
    ...(request.EnableManagedSpotTraining ? { spot: true } : {}),
    ...(rc.KeepAlivePeriodInSeconds !== undefined ? { keepAliveSeconds: rc.KeepAlivePeriodInSeconds } : {}),
    tags: tagRecord(request.Tags),
    ...(image ? { image } : {}),
    echo,
  };
};

/** Members of UpdateTrainingJob the emulator does not implement: refusing them beats ignoring them. */
const UNSUPPORTED_UPDATE_MEMBERS = ['ProfilerConfig', 'ProfilerRuleConfigurations', 'RemoteDebugConfig'];

/**
 * The SageMaker operations poolwarden and the local stack use, over the model, independent of
 * HTTP. It counts every call per operation (the benchmarks count SageMaker API calls) and can
 * answer ThrottlingException on purpose, to exercise the SDK's retries.
 */
export class SageMakerApi {
  private readonly counts = new Map<string, { calls: number; throttled: number; failed: number }>();
  private throttleEligibleCalls = 0;
  /** The last ListTrainingJobs query's rows, while the jobs have not changed since. */
  private listing?: { readonly key: string; readonly version: number; readonly rows: readonly ListingRow[] };

  constructor(
    readonly model: WarmPoolModel,
    private readonly throttle: ThrottleOptions = {},
  ) {}

  /** Answers one call, or throws the SageMakerApiError its response must carry. */
  handle(operation: string, body: unknown): JsonObject {
    // Not a SageMaker operation: the CLI's --local mode reads the emulator's virtual time here,
    // so that its figures and actions agree with the local stack's clock. Not counted.
    if (operation === LOCAL_CLOCK_OPERATION) return { NowMs: this.model.now() };
    const count = this.countCall(operation);
    if (this.shouldThrottle(operation, count.calls)) {
      count.throttled++;
      throw new SageMakerApiError('ThrottlingException', 'Rate exceeded');
    }
    try {
      return this.dispatch(operation, body);
    } catch (error) {
      count.failed++;
      throw error;
    }
  }

  /** Calls per operation so far, in OPERATIONS order then any unknown operation. */
  callCounts(): Record<string, CallCount> {
    const result: Record<string, CallCount> = {};
    const names = [...OPERATIONS, ...[...this.counts.keys()].filter((n) => !isOperation(n)).sort()];
    for (const name of names) {
      const c = this.counts.get(name);
      if (c) result[name] = { ...c };
    }
    return result;
  }

  totalCalls(): number {
    let total = 0;
    for (const c of this.counts.values()) total += c.calls;
    return total;
  }

  resetCallCounts(): void {
    this.counts.clear();
    this.throttleEligibleCalls = 0;
  }

  private countCall(operation: string): { calls: number; throttled: number; failed: number } {
    let count = this.counts.get(operation);
    if (!count) {
      count = { calls: 0, throttled: 0, failed: 0 };
      this.counts.set(operation, count);
    }
    count.calls++;
    return count;
  }

  private shouldThrottle(operation: string, callNumber: number): boolean {
    const { everyNth, operations, hook } = this.throttle;
    if (everyNth !== undefined && everyNth > 0 && (!operations || operations.includes(operation))) {
      this.throttleEligibleCalls++;
      if (this.throttleEligibleCalls % everyNth === 0) return true;
    }
    return hook?.(operation, callNumber) ?? false;
  }

  private dispatch(operation: string, body: unknown): JsonObject {
    if (!isOperation(operation)) {
      throw new SageMakerApiError(
        'UnknownOperationException',
        `The emulator does not implement ${operation}`,
      );
    }
    const model = this.model;
    switch (operation) {
      case 'CreateTrainingJob': {
        const request = parseRequest(createTrainingJobRequest, body);
        const spec = specOf(request);
        const job = model.createTrainingJob(spec, simulatedRunFromTags(spec.tags ?? {}));
        return { TrainingJobArn: job.arn };
      }
      case 'DescribeTrainingJob': {
        const { TrainingJobName } = parseRequest(jobNameRequest, body);
        checkJobName(TrainingJobName);
        return describeTrainingJobResponse(model.describe(TrainingJobName));
      }
      case 'ListTrainingJobs': {
        const request = parseRequest(listTrainingJobsRequest, body);
        // The pages of one query share its rows while no job changes: a listing of the whole
        // history sorts it once, not once per page.
        const { NextToken: _token, MaxResults: _max, ...query } = request;
        const key = JSON.stringify(query);
        const version = model.listingVersion();
        const kept = this.listing?.key === key && this.listing.version === version ? this.listing : undefined;
        // Every job the time filter lets through: the status filters apply to a page after it
        // is taken, as SageMaker documents.
        const modifiedAfter = request.LastModifiedTimeAfter;
        const rows =
          kept?.rows ??
          listingRows(
            model.candidates(modifiedAfter !== undefined ? { modifiedAfterMs: modifiedAfter * 1000 } : {}),
            request,
          );
        this.listing = { key, version, rows };
        return listingPage(rows, request);
      }
      case 'UpdateTrainingJob': {
        const request = parseRequest(updateTrainingJobRequest, body);
        checkJobName(request.TrainingJobName);
        const unsupported = UNSUPPORTED_UPDATE_MEMBERS.filter((m) => request[m] !== undefined);
        if (unsupported.length > 0) {
          throw validationError(
            `The emulator updates only ResourceConfig.KeepAlivePeriodInSeconds, not ${unsupported.join(', ')}.`,
          );
        }
        if (!request.ResourceConfig) {
          throw validationError('UpdateTrainingJob needs ResourceConfig.KeepAlivePeriodInSeconds.');
        }
        const job = model.updateKeepAlive(
          request.TrainingJobName,
          request.ResourceConfig.KeepAlivePeriodInSeconds,
        );
        return { TrainingJobArn: job.arn };
      }
      case 'StopTrainingJob': {
        const { TrainingJobName } = parseRequest(jobNameRequest, body);
        checkJobName(TrainingJobName);
        model.stop(TrainingJobName);
        return {};
      }
      case 'ListTags': {
        const request = parseRequest(listTagsRequest, body);
        const tags = tagList(model.describeByArn(request.ResourceArn).tags);
        const max = request.MaxResults ?? 50;
        const start = request.NextToken ? decodeOffset(request.NextToken) : 0;
        const page = tags.slice(start, start + max);
        return {
          Tags: page,
          ...(start + max < tags.length ? { NextToken: encodeOffset(start + max) } : {}),
        };
      }
      case 'AddTags': {
        const request = parseRequest(addTagsRequest, body);
        model.addTags(request.ResourceArn, tagRecord(request.Tags));
        return { Tags: request.Tags };
      }
    }
  }
}

const encodeOffset = (offset: number): string => Buffer.from(`tags:${offset}`).toString('base64url');

const decodeOffset = (token: string): number => {
  const match = /^tags:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match?.[1]) throw validationError('Invalid pagination token.');
  return Number(match[1]);
};
