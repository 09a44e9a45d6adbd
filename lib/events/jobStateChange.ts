import * as z from 'zod/mini';
import { clusterShape } from '../domain/clusterShape';
import {
  ACCOUNT_PATTERN,
  type JobLocation,
  jobRef,
  locationOfJobArn,
  REGION_PATTERN,
  sameLocation,
} from '../domain/jobLocation';
import { matchKey, normaliseCriteria } from '../domain/matchKey';
import { type OwnerTagKeys, resolveOwner } from '../domain/owner';
import {
  FAILURE_REASON,
  INSTANCE_COUNT,
  INSTANCE_GROUPS,
  INSTANCE_TYPE,
  KEEP_ALIVE_PERIOD_SECONDS,
  ROLE_ARN,
  SECONDARY_STATUS,
  TAGS,
  TIMESTAMP,
  TRAINING_JOB_ARN,
  TRAINING_JOB_NAME,
  VOLUME_KMS_KEY_ID,
  VOLUME_SIZE_IN_GB,
  VPC_CONFIG,
} from '../domain/sageMakerLimits';
import { type JobSnapshot, TRAINING_JOB_STATUSES } from '../domain/trainingJob';
import '../schema/zodMini';

export const JOB_STATE_CHANGE_SOURCE = 'aws.sagemaker';
export const JOB_STATE_CHANGE_DETAIL_TYPE = 'SageMaker Training Job State Change';

/** SageMaker sends epoch milliseconds as numbers or as strings of them; ISO-8601 is accepted too. */
const timestamp = z.pipe(
  z.union([
    z.number().check(z.int(), z.nonnegative()),
    z.pipe(z.string().check(z.regex(/^\d{1,16}$/, 'expected epoch milliseconds')), z.transform(Number)),
    z.pipe(
      z.iso.datetime({ offset: true }),
      z.transform((s) => Date.parse(s)),
    ),
  ]),
  z.number().check(z.maximum(TIMESTAMP.maxMs, 'is after the year 2100: not a date SageMaker sends')),
);
const optionalTimestamp = z.nullish(timestamp);

const bounded = (limit: { maxLength: number; pattern: RegExp }, what: string) =>
  z.string().check(z.maxLength(limit.maxLength), z.regex(limit.pattern, `not a valid ${what}`));

const tagKey = z
  .string()
  .check(z.minLength(1), z.maxLength(TAGS.keyMaxLength), z.regex(TAGS.pattern, 'not a valid tag key'));
// Values are bounded by length only: see TAGS.pattern on why their characters are not checked.
const tagValue = z.string().check(z.maxLength(TAGS.valueMaxLength));

const isTagList = (value: unknown): value is Array<{ Key: string; Value: string }> =>
  Array.isArray(value) &&
  value.every(
    (t: unknown) =>
      typeof t === 'object' &&
      t !== null &&
      typeof Reflect.get(t, 'Key') === 'string' &&
      typeof Reflect.get(t, 'Value') === 'string',
  );

/**
 * Tags come as a map in the documented sample and as a [{Key, Value}] list in the schema
 * registry: a list is read as the map it stands for, so both are bounded, and named, alike.
 */
const tags = z
  .pipe(
    z.pipe(
      z.transform((value: unknown) =>
        isTagList(value) ? Object.fromEntries(value.map((t) => [t.Key, t.Value])) : value,
      ),
      z.nullish(z.record(tagKey, tagValue)),
    ),
    z.transform((t) => t ?? {}),
  )
  .check(
    z.refine(
      (t) =>
        Object.keys(t).filter((k) => !k.toLowerCase().startsWith(TAGS.reservedPrefix)).length <=
        TAGS.maxCount,
      `more than ${TAGS.maxCount} tags`,
    ),
  );

const instanceCount = z.number().check(z.int(), z.minimum(INSTANCE_COUNT.min), z.maximum(INSTANCE_COUNT.max));
const volumeSize = z
  .number()
  .check(z.int(), z.minimum(VOLUME_SIZE_IN_GB.min), z.maximum(VOLUME_SIZE_IN_GB.max));

const resourceConfig = (keepAliveCapSeconds: number) =>
  z
    .object({
      InstanceType: z.optional(bounded(INSTANCE_TYPE, 'SageMaker training instance type')),
      InstanceCount: z.optional(instanceCount),
      // The sample says VolumeSizeInGB, the schema registry VolumeSizeInGb.
      VolumeSizeInGB: z.optional(volumeSize),
      VolumeSizeInGb: z.optional(volumeSize),
      VolumeKmsKeyId: z.nullish(bounded(VOLUME_KMS_KEY_ID, 'KMS key id')),
      KeepAlivePeriodInSeconds: z.nullish(
        z
          .number()
          .check(
            z.int(),
            z.minimum(KEEP_ALIVE_PERIOD_SECONDS.min),
            z.maximum(
              keepAliveCapSeconds,
              `is over ${keepAliveCapSeconds} s, the most this deployment accepts (POOLWARDEN_KEEP_ALIVE_CAP_SECONDS)`,
            ),
          ),
      ),
      InstanceGroups: z.nullish(
        z
          .array(
            z.object({
              InstanceType: bounded(INSTANCE_TYPE, 'SageMaker training instance type'),
              InstanceCount: instanceCount,
            }),
          )
          .check(z.maxLength(INSTANCE_GROUPS.maxItems)),
      ),
    })
    .check(
      z.superRefine((rc, ctx) => {
        const heterogeneous = (rc.InstanceGroups?.length ?? 0) > 0;
        if (rc.InstanceType === undefined && !heterogeneous)
          ctx.addIssue({
            code: 'custom',
            message: 'needs InstanceType (or InstanceGroups for a heterogeneous cluster)',
            path: ['InstanceType'],
          });
        if (!heterogeneous && rc.InstanceCount === undefined)
          ctx.addIssue({ code: 'custom', message: 'needs InstanceCount', path: ['InstanceCount'] });
        if (rc.VolumeSizeInGB === undefined && rc.VolumeSizeInGb === undefined)
          ctx.addIssue({ code: 'custom', message: 'needs VolumeSizeInGB', path: ['VolumeSizeInGB'] });
        if (
          rc.VolumeSizeInGB !== undefined &&
          rc.VolumeSizeInGb !== undefined &&
          rc.VolumeSizeInGB !== rc.VolumeSizeInGb
        )
          ctx.addIssue({
            code: 'custom',
            message: `is ${rc.VolumeSizeInGb} but VolumeSizeInGB is ${rc.VolumeSizeInGB}: which one holds is unknown`,
            path: ['VolumeSizeInGb'],
          });
      }),
    );

const vpcIds = (maxItems: number) =>
  z.optional(z.array(bounded(VPC_CONFIG.id, 'VPC resource id')).check(z.maxLength(maxItems)));

const detail = (keepAliveCapSeconds: number) =>
  z
    .object({
      TrainingJobName: z
        .string()
        .check(
          z.minLength(TRAINING_JOB_NAME.minLength),
          z.maxLength(TRAINING_JOB_NAME.maxLength),
          z.regex(TRAINING_JOB_NAME.pattern, 'not a valid training job name'),
        ),
      TrainingJobArn: bounded(TRAINING_JOB_ARN, 'training job ARN'),
      TrainingJobStatus: z.enum(TRAINING_JOB_STATUSES),
      SecondaryStatus: z.nullish(bounded(SECONDARY_STATUS, 'secondary status')),
      CreationTime: timestamp,
      TrainingStartTime: optionalTimestamp,
      TrainingEndTime: optionalTimestamp,
      LastModifiedTime: timestamp,
      RoleArn: z
        .string()
        .check(
          z.minLength(ROLE_ARN.minLength),
          z.maxLength(ROLE_ARN.maxLength),
          z.regex(ROLE_ARN.pattern, 'not a valid IAM role ARN'),
        ),
      ResourceConfig: resourceConfig(keepAliveCapSeconds),
      VpcConfig: z.nullish(
        z.object({
          SecurityGroupIds: vpcIds(VPC_CONFIG.securityGroupIds.maxItems),
          Subnets: vpcIds(VPC_CONFIG.subnets.maxItems),
        }),
      ),
      EnableNetworkIsolation: z.nullish(z.boolean()),
      EnableInterContainerTrafficEncryption: z.nullish(z.boolean()),
      EnableManagedSpotTraining: z.nullish(z.boolean()),
      FailureReason: z.nullish(z.string().check(z.maxLength(FAILURE_REASON.maxLength))),
      Tags: tags,
    })
    .check(
      z.superRefine((d, ctx) => {
        const arnName = TRAINING_JOB_ARN.pattern.exec(d.TrainingJobArn)?.[1];
        if (arnName !== undefined && arnName.toLowerCase() !== d.TrainingJobName.toLowerCase())
          ctx.addIssue({
            code: 'custom',
            message: `names training job ${arnName}, not ${d.TrainingJobName}`,
            path: ['TrainingJobArn'],
          });
      }),
    );

const envelope = (keepAliveCapSeconds: number) =>
  z
    .object({
      id: z.string().check(z.minLength(1)),
      source: z.literal(JOB_STATE_CHANGE_SOURCE),
      'detail-type': z.literal(JOB_STATE_CHANGE_DETAIL_TYPE),
      // Where the job lives: EventBridge's envelope says it, and the job's ARN agrees.
      account: z.optional(z.string().check(z.regex(ACCOUNT_PATTERN, 'not a 12-digit AWS account id'))),
      region: z.optional(z.string().check(z.regex(REGION_PATTERN, 'not an AWS region name'))),
      time: z.optional(z.iso.datetime({ offset: true })),
      detail: detail(keepAliveCapSeconds),
    })
    .check(
      z.superRefine((e, ctx) => {
        const arnLocation = locationOfJobArn(e.detail.TrainingJobArn);
        if (arnLocation && e.account !== undefined && e.account !== arnLocation.account)
          ctx.addIssue({
            code: 'custom',
            message: `is ${e.account} but the job's ARN names account ${arnLocation.account}`,
            path: ['account'],
          });
        if (arnLocation && e.region !== undefined && e.region !== arnLocation.region)
          ctx.addIssue({
            code: 'custom',
            message: `is ${e.region} but the job's ARN names region ${arnLocation.region}`,
            path: ['region'],
          });
        if (e.time === undefined) return;
        const latest = Date.parse(e.time) + TIMESTAMP.skewAfterEventMs;
        const d = e.detail;
        const stamps = {
          CreationTime: d.CreationTime,
          TrainingStartTime: d.TrainingStartTime,
          TrainingEndTime: d.TrainingEndTime,
          LastModifiedTime: d.LastModifiedTime,
        };
        for (const [field, ms] of Object.entries(stamps))
          if (ms != null && ms > latest)
            ctx.addIssue({
              code: 'custom',
              message: `is more than a day after the event's time ${e.time}`,
              path: ['detail', field],
            });
      }),
    );

/** One schema per keep-alive cap (a deployment has one). */
const envelopes = new Map<number, ReturnType<typeof envelope>>();
const envelopeFor = (keepAliveCapSeconds: number) => {
  let schema = envelopes.get(keepAliveCapSeconds);
  if (!schema) {
    schema = envelope(keepAliveCapSeconds);
    envelopes.set(keepAliveCapSeconds, schema);
  }
  return schema;
};

/** Why an event was refused: enough to find it in the logs and to see what was wrong with it. */
export interface EventRejection {
  readonly eventId: string;
  readonly field: string;
  readonly message: string;
}

export type ParsedEvent =
  | { readonly ok: true; readonly eventId: string; readonly snapshot: JobSnapshot }
  | { readonly ok: false; readonly rejection: EventRejection };

const eventIdOf = (raw: unknown): string => {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '(no id)';
};

/**
 * Reads one EventBridge event. Every field is held to SageMaker's documented bounds
 * (lib/domain/sageMakerLimits.ts); the first field out of them is named in the rejection.
 * `home` is the deployment's own account and region; absent, the job's own location stands for it
 * (one account, one region, as before).
 */
export const parseJobStateChange = (
  raw: unknown,
  tagKeys: OwnerTagKeys,
  keepAliveCapSeconds: number = KEEP_ALIVE_PERIOD_SECONDS.documentedMax,
  home?: JobLocation,
): ParsedEvent => {
  const result = envelopeFor(keepAliveCapSeconds).safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      rejection: {
        eventId: eventIdOf(raw),
        field: issue && issue.path.length > 0 ? issue.path.join('.') : '(event)',
        message: issue?.message ?? 'invalid event',
      },
    };
  }
  const d = result.data.detail;
  const rc = d.ResourceConfig;
  const cluster = clusterShape({
    instanceType: rc.InstanceType,
    instanceCount: rc.InstanceCount,
    instanceGroups: rc.InstanceGroups?.map((g) => ({
      instanceType: g.InstanceType,
      instanceCount: g.InstanceCount,
    })),
  });
  const criteria = normaliseCriteria({
    roleArn: d.RoleArn,
    instanceType: cluster.instanceType,
    instanceCount: cluster.instanceCount,
    volumeSizeInGB: rc.VolumeSizeInGB ?? rc.VolumeSizeInGb ?? 0,
    volumeKmsKeyId: rc.VolumeKmsKeyId ?? null,
    securityGroupIds: d.VpcConfig?.SecurityGroupIds ?? [],
    subnets: d.VpcConfig?.Subnets ?? [],
    enableNetworkIsolation: d.EnableNetworkIsolation ?? false,
    enableInterContainerTrafficEncryption: d.EnableInterContainerTrafficEncryption ?? false,
  });
  const identity = resolveOwner(d.Tags, tagKeys);
  const { account, region } = result.data;
  const arnLocation = locationOfJobArn(d.TrainingJobArn);
  const location: JobLocation | undefined =
    account !== undefined && region !== undefined ? { account, region } : (arnLocation ?? home);
  const own = home ?? location;
  const elsewhere = location && own && !sameLocation(location, own) ? location : undefined;
  const snapshot: JobSnapshot = {
    name: elsewhere && own ? jobRef(d.TrainingJobName, elsewhere, own) : d.TrainingJobName,
    ...(location ? { location } : {}),
    arn: d.TrainingJobArn,
    status: d.TrainingJobStatus,
    lastModifiedMs: d.LastModifiedTime,
    createdAtMs: d.CreationTime,
    criteria,
    matchKey: matchKey(criteria, elsewhere),
    spot: d.EnableManagedSpotTraining ?? false,
    heterogeneous: cluster.heterogeneous,
    tags: d.Tags,
    ...(d.SecondaryStatus ? { secondaryStatus: d.SecondaryStatus } : {}),
    ...(d.TrainingStartTime != null ? { startedAtMs: d.TrainingStartTime } : {}),
    ...(d.TrainingEndTime != null ? { endedAtMs: d.TrainingEndTime } : {}),
    ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
    ...(rc.KeepAlivePeriodInSeconds != null ? { keepAliveSeconds: rc.KeepAlivePeriodInSeconds } : {}),
    ...(identity.owner ? { owner: identity.owner } : {}),
    ...(identity.team ? { team: identity.team } : {}),
  };
  return { ok: true, eventId: result.data.id, snapshot };
};
