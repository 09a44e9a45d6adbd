import * as z from 'zod';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../domain/jobLocation';
import {
  JOB_NAME_MAX_LENGTH,
  JOB_NAME_PATTERN,
  MAX_DURATION_SECONDS,
  MAX_TRACE_KEEP_ALIVE_SECONDS,
  TRACE_OUTCOMES,
  type TraceJob,
} from './traceJob';

/**
 * The schema of one trace line. Every message states what was expected and nothing else:
 * parseTrace appends what the line actually held, so that each error reads
 * `field "x": expected …, got …`.
 */

/** Marks an issue whose message already says everything (no ", got …" is appended). */
export const COMPLETE_MESSAGE = { complete: true } as const;

const NAME =
  'expected a training job name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit';
const INSTANT = 'expected an ISO-8601 instant with a time zone, such as 2026-03-02T09:00:00Z';
const DURATION = `expected a positive number of seconds, at most ${MAX_DURATION_SECONDS} (28 days)`;
const OUTCOME = `expected one of ${TRACE_OUTCOMES.join(', ')}`;
const ROLE = 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/sagemaker-vision';
const INSTANCE_TYPE = 'expected a SageMaker instance type such as ml.g5.xlarge';
const POSITIVE_INTEGER = 'expected a positive integer';
const KEEP_ALIVE = `expected a whole number of seconds from 0 to ${MAX_TRACE_KEEP_ALIVE_SECONDS}`;
const BOOLEAN = 'expected true or false';
const ACCOUNT = 'expected a 12-digit AWS account id such as 111122223333';
const REGION = 'expected an AWS region such as eu-west-1';

const positiveInteger = z.number(POSITIVE_INTEGER).int(POSITIVE_INTEGER).positive(POSITIVE_INTEGER);

/** JSON writers often spell "absent" as null: it means the same as leaving the field out. */
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  schema.nullish().transform((value): z.output<T> => value ?? fallback);

// SageMaker's patterns for VpcConfig ids and tags.
const vpcId = (what: string) => z.string(what).regex(/^[-0-9a-zA-Z]{1,32}$/, what);
const vpcSchema = z.strictObject(
  {
    securityGroupIds: withDefault(
      z.array(
        vpcId('expected a security group id such as sg-0123abcd'),
        'expected a list of security group ids',
      ),
      [],
    ),
    subnets: withDefault(
      z.array(vpcId('expected a subnet id such as subnet-0123abcd'), 'expected a list of subnet ids'),
      [],
    ),
  },
  'expected an object {"securityGroupIds": [...], "subnets": [...]}',
);

const TAG_KEY = 'expected a tag key of 1 to 128 characters';
const TAG_VALUE = 'expected a string of at most 256 characters';
const tagsSchema = z.record(
  z.string(TAG_KEY).min(1, TAG_KEY).max(128, TAG_KEY),
  z.string(TAG_VALUE).max(256, TAG_VALUE),
  'expected an object of string tags, such as {"owner": "alice"}',
);

const lineSchema = z
  .strictObject(
    {
      name: z.string(NAME).max(JOB_NAME_MAX_LENGTH, NAME).regex(JOB_NAME_PATTERN, NAME),
      submitAt: z.iso
        .datetime({ offset: true, error: INSTANT })
        // The pattern admits a few offsets (e.g. +0530) that Date.parse cannot read.
        .refine((s) => Number.isFinite(Date.parse(s)), INSTANT),
      durationSeconds: z.number(DURATION).positive(DURATION).max(MAX_DURATION_SECONDS, DURATION),
      outcome: z.enum(TRACE_OUTCOMES, OUTCOME),
      failureReason: z.string('expected a non-empty string').min(1, 'expected a non-empty string').nullish(),
      roleArn: z.string(ROLE).regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, ROLE),
      instanceType: z.string(INSTANCE_TYPE).regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, INSTANCE_TYPE),
      instanceCount: positiveInteger,
      volumeSizeInGB: positiveInteger,
      keepAliveSeconds: withDefault(
        z.number(KEEP_ALIVE).int(KEEP_ALIVE).min(0, KEEP_ALIVE).max(MAX_TRACE_KEEP_ALIVE_SECONDS, KEEP_ALIVE),
        0,
      ),
      tags: withDefault(tagsSchema, {}),
      vpc: withDefault(vpcSchema, { securityGroupIds: [], subnets: [] }),
      volumeKmsKeyId: z
        .string('expected a KMS key id or ARN, or null')
        .min(1, 'expected a KMS key id or ARN, or null')
        .nullish(),
      enableNetworkIsolation: withDefault(z.boolean(BOOLEAN), false),
      enableInterContainerTrafficEncryption: withDefault(z.boolean(BOOLEAN), false),
      image: z.string('expected a container image URI').min(1, 'expected a container image URI').nullish(),
      account: z.string(ACCOUNT).regex(ACCOUNT_PATTERN, ACCOUNT).nullish(),
      region: z.string(REGION).regex(REGION_PATTERN, REGION).nullish(),
    },
    'expected a JSON object describing one training job',
  )
  .superRefine((line, ctx) => {
    // SageMaker gives a FailureReason only to failed jobs; elsewhere it is a mistake in the trace.
    if (line.failureReason != null && line.outcome !== 'Failed') {
      ctx.addIssue({
        code: 'custom',
        path: ['failureReason'],
        message: `allowed only when outcome is "Failed", and outcome is "${line.outcome}"`,
        params: COMPLETE_MESSAGE,
      });
    }
  });

const toTraceJob = (line: z.output<typeof lineSchema>): TraceJob => {
  const submitAtMs = Date.parse(line.submitAt);
  return {
    name: line.name,
    submitAt: new Date(submitAtMs).toISOString(),
    submitAtMs,
    durationSeconds: line.durationSeconds,
    outcome: line.outcome,
    ...(line.failureReason != null ? { failureReason: line.failureReason } : {}),
    roleArn: line.roleArn,
    instanceType: line.instanceType,
    instanceCount: line.instanceCount,
    volumeSizeInGB: line.volumeSizeInGB,
    keepAliveSeconds: line.keepAliveSeconds,
    tags: line.tags,
    vpc: line.vpc,
    volumeKmsKeyId: line.volumeKmsKeyId ?? null,
    enableNetworkIsolation: line.enableNetworkIsolation,
    enableInterContainerTrafficEncryption: line.enableInterContainerTrafficEncryption,
    ...(line.image != null ? { image: line.image } : {}),
    ...(line.account != null ? { account: line.account } : {}),
    ...(line.region != null ? { region: line.region } : {}),
  };
};

/** Validates the JSON value of one line and, when it is valid, turns it into a TraceJob. */
export const traceLineSchema = lineSchema.transform(toTraceJob);

/** The fields a trace line may carry: anything else is refused, lest a misspelt field fall back to its default. */
export const TRACE_FIELDS: readonly string[] = Object.keys(lineSchema.shape);
export const VPC_FIELDS: readonly string[] = Object.keys(vpcSchema.shape);
