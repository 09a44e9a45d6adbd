import * as z from 'zod';
import { matchKey, normaliseCriteria } from '../domain/matchKey';
import { type OwnerTagKeys, resolveOwner } from '../domain/owner';
import { type JobSnapshot, TRAINING_JOB_STATUSES } from '../domain/trainingJob';

export const JOB_STATE_CHANGE_SOURCE = 'aws.sagemaker';
export const JOB_STATE_CHANGE_DETAIL_TYPE = 'SageMaker Training Job State Change';

/** SageMaker sends epoch milliseconds as numbers or as strings of them; ISO-8601 is accepted too. */
const timestamp = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,16}$/, 'expected epoch milliseconds')
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
const optionalTimestamp = timestamp.nullish();

/** Tags come as a map in the documented sample and as a [{Key, Value}] list in the schema registry. */
const tags = z
  .union([
    z.record(z.string(), z.string()),
    z
      .array(z.object({ Key: z.string(), Value: z.string() }))
      .transform((list) => Object.fromEntries(list.map((t) => [t.Key, t.Value]))),
  ])
  .nullish()
  .transform((t) => t ?? {});

const resourceConfig = z
  .object({
    InstanceType: z.string().min(1).optional(),
    InstanceCount: z.number().int().positive().optional(),
    // The sample says VolumeSizeInGB, the schema registry VolumeSizeInGb.
    VolumeSizeInGB: z.number().int().nonnegative().optional(),
    VolumeSizeInGb: z.number().int().nonnegative().optional(),
    VolumeKmsKeyId: z.string().nullish(),
    KeepAlivePeriodInSeconds: z.number().int().nonnegative().nullish(),
    InstanceGroups: z
      .array(z.object({ InstanceType: z.string(), InstanceCount: z.number().int() }))
      .nullish(),
  })
  .refine((rc) => rc.InstanceType !== undefined || (rc.InstanceGroups?.length ?? 0) > 0, {
    message: 'needs InstanceType (or InstanceGroups for a heterogeneous cluster)',
    path: ['InstanceType'],
  })
  .refine((rc) => rc.VolumeSizeInGB !== undefined || rc.VolumeSizeInGb !== undefined, {
    message: 'needs VolumeSizeInGB',
    path: ['VolumeSizeInGB'],
  });

const detail = z.object({
  TrainingJobName: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'not a valid training job name'),
  TrainingJobArn: z.string().startsWith('arn:'),
  TrainingJobStatus: z.enum(TRAINING_JOB_STATUSES),
  SecondaryStatus: z.string().nullish(),
  CreationTime: timestamp,
  TrainingStartTime: optionalTimestamp,
  TrainingEndTime: optionalTimestamp,
  LastModifiedTime: timestamp,
  RoleArn: z.string().startsWith('arn:'),
  ResourceConfig: resourceConfig,
  VpcConfig: z
    .object({ SecurityGroupIds: z.array(z.string()).optional(), Subnets: z.array(z.string()).optional() })
    .nullish(),
  EnableNetworkIsolation: z.boolean().nullish(),
  EnableInterContainerTrafficEncryption: z.boolean().nullish(),
  EnableManagedSpotTraining: z.boolean().nullish(),
  FailureReason: z.string().nullish(),
  Tags: tags,
});

const envelope = z.object({
  id: z.string().min(1),
  source: z.literal(JOB_STATE_CHANGE_SOURCE),
  'detail-type': z.literal(JOB_STATE_CHANGE_DETAIL_TYPE),
  detail,
});

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

export const parseJobStateChange = (raw: unknown, tagKeys: OwnerTagKeys): ParsedEvent => {
  const result = envelope.safeParse(raw);
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
  const groups = rc.InstanceGroups ?? [];
  const heterogeneous = groups.length > 0;
  const criteria = normaliseCriteria({
    roleArn: d.RoleArn,
    instanceType: rc.InstanceType ?? groups.map((g) => g.InstanceType).join('+'),
    instanceCount: rc.InstanceCount ?? groups.reduce((n, g) => n + g.InstanceCount, 0),
    volumeSizeInGB: rc.VolumeSizeInGB ?? rc.VolumeSizeInGb ?? 0,
    volumeKmsKeyId: rc.VolumeKmsKeyId ?? null,
    securityGroupIds: d.VpcConfig?.SecurityGroupIds ?? [],
    subnets: d.VpcConfig?.Subnets ?? [],
    enableNetworkIsolation: d.EnableNetworkIsolation ?? false,
    enableInterContainerTrafficEncryption: d.EnableInterContainerTrafficEncryption ?? false,
  });
  const identity = resolveOwner(d.Tags, tagKeys);
  const snapshot: JobSnapshot = {
    name: d.TrainingJobName,
    arn: d.TrainingJobArn,
    status: d.TrainingJobStatus,
    lastModifiedMs: d.LastModifiedTime,
    createdAtMs: d.CreationTime,
    criteria,
    matchKey: matchKey(criteria),
    spot: d.EnableManagedSpotTraining ?? false,
    heterogeneous,
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
