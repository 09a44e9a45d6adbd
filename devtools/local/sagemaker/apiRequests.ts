import * as z from 'zod';
import { TRAINING_JOB_STATUSES } from '../../../lib/domain/trainingJob';
import { WARM_POOL_STATUSES } from '../../../lib/domain/warmPool';
import { SageMakerApiError, validationError } from './apiErrors';

/**
 * The JSON shapes of the requests the emulator serves, as far as it reads them. Objects are
 * loose: members the emulator does not interpret are accepted (and some echoed back), as
 * SageMaker accepts the whole model.
 */
const tag = z.object({ Key: z.string(), Value: z.string() });
const tagList = z.array(tag);
/** The JSON protocol sends timestamps as epoch seconds, fractional allowed. */
const epochSeconds = z.number().nonnegative();

export const createTrainingJobRequest = z.looseObject({
  TrainingJobName: z.string(),
  AlgorithmSpecification: z.looseObject({
    TrainingImage: z.string().optional(),
    AlgorithmName: z.string().optional(),
    TrainingInputMode: z.string(),
  }),
  RoleArn: z.string(),
  OutputDataConfig: z.looseObject({ S3OutputPath: z.string() }),
  ResourceConfig: z.looseObject({
    InstanceType: z.string().optional(),
    InstanceCount: z.number().int().optional(),
    VolumeSizeInGB: z.number().int(),
    VolumeKmsKeyId: z.string().optional(),
    KeepAlivePeriodInSeconds: z.number().int().optional(),
    InstanceGroups: z
      .array(
        z.object({
          InstanceType: z.string(),
          InstanceCount: z.number().int(),
          InstanceGroupName: z.string(),
        }),
      )
      .optional(),
  }),
  StoppingCondition: z.looseObject({}),
  VpcConfig: z.object({ SecurityGroupIds: z.array(z.string()), Subnets: z.array(z.string()) }).optional(),
  EnableNetworkIsolation: z.boolean().optional(),
  EnableInterContainerTrafficEncryption: z.boolean().optional(),
  EnableManagedSpotTraining: z.boolean().optional(),
  Tags: tagList.optional(),
});
export type CreateTrainingJobRequest = z.infer<typeof createTrainingJobRequest>;

export const jobNameRequest = z.looseObject({ TrainingJobName: z.string() });

export const updateTrainingJobRequest = z.looseObject({
  TrainingJobName: z.string(),
  ResourceConfig: z.object({ KeepAlivePeriodInSeconds: z.number().int() }).optional(),
});

export const LIST_SORT_BY = ['Name', 'CreationTime', 'Status'] as const;
export const SORT_ORDERS = ['Ascending', 'Descending'] as const;

export const listTrainingJobsRequest = z.looseObject({
  NextToken: z.string().max(8192).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  CreationTimeAfter: epochSeconds.optional(),
  CreationTimeBefore: epochSeconds.optional(),
  LastModifiedTimeAfter: epochSeconds.optional(),
  LastModifiedTimeBefore: epochSeconds.optional(),
  NameContains: z
    .string()
    .max(63)
    .regex(/^[a-zA-Z0-9-]+$/)
    .optional(),
  StatusEquals: z.enum(TRAINING_JOB_STATUSES).optional(),
  SortBy: z.enum(LIST_SORT_BY).optional(),
  SortOrder: z.enum(SORT_ORDERS).optional(),
  WarmPoolStatusEquals: z.enum(WARM_POOL_STATUSES).optional(),
});
export type ListTrainingJobsRequest = z.infer<typeof listTrainingJobsRequest>;

export const listTagsRequest = z.looseObject({
  ResourceArn: z.string().max(256),
  NextToken: z.string().max(8192).optional(),
  MaxResults: z.number().int().min(50).max(100).optional(),
});

export const addTagsRequest = z.looseObject({
  ResourceArn: z.string().max(256),
  Tags: tagList.max(50),
});

/** SageMaker names members in camelCase in its validation messages: `resourceConfig.volumeSizeInGB`. */
const memberPath = (path: readonly PropertyKey[]): string =>
  path.map((p) => (typeof p === 'string' ? p.charAt(0).toLowerCase() + p.slice(1) : String(p))).join('.');

/** Parses a request body, or throws the ValidationException SageMaker would answer. */
export const parseRequest = <S extends z.ZodType>(schema: S, body: unknown): z.infer<S> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SageMakerApiError('SerializationException', 'The request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const details = issues.slice(0, 5).map((issue) => {
    const member = memberPath(issue.path);
    const rule = /received undefined/.test(issue.message) ? 'Member must not be null' : issue.message;
    return `Value at '${member}' failed to satisfy constraint: ${rule}`;
  });
  const count = issues.length === 1 ? '1 validation error' : `${issues.length} validation errors`;
  throw validationError(`${count} detected: ${details.join('; ')}`);
};
