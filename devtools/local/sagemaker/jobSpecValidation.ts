import type { KeepAliveLimits } from '../../../lib/domain/keepAlive';
import {
  INSTANCE_COUNT,
  INSTANCE_GROUPS,
  INSTANCE_TYPE,
  ROLE_ARN,
  TAGS,
  TRAINING_JOB_NAME,
  VOLUME_KMS_KEY_ID,
  VOLUME_SIZE_IN_GB,
  VPC_CONFIG,
} from '../../../lib/domain/sageMakerLimits';
import { validationError } from './apiErrors';
import { JOB_OUTCOMES, type SimulatedRun, type TrainingJobSpec } from './emulatedJob';
import { keepAliveRangeProblem } from './warmPoolRules';

/**
 * The checks SageMaker makes on a CreateTrainingJob request beyond its JSON shape, shared by the
 * HTTP API and the runner's submit(), so that a bad trace line fails like a bad API call would.
 */
const TRAINING_JOB_NAME_PATTERN = TRAINING_JOB_NAME.pattern;
const ROLE_ARN_PATTERN = ROLE_ARN.pattern;
const INSTANCE_TYPE_PATTERN = INSTANCE_TYPE.pattern;
const MAX_TAGS = TAGS.maxCount;

const constraint = (value: unknown, member: string, rule: string): string =>
  `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${rule}`;

export const checkJobName = (name: string, member = 'trainingJobName'): void => {
  if (name.length < 1 || name.length > 63) {
    throw validationError(constraint(name, member, 'Member must have length between 1 and 63'));
  }
  if (!TRAINING_JOB_NAME_PATTERN.test(name)) {
    throw validationError(
      constraint(
        name,
        member,
        `Member must satisfy regular expression pattern: ${TRAINING_JOB_NAME_PATTERN.source}`,
      ),
    );
  }
};

const checkPositiveInteger = (value: number, member: string, max: number = INSTANCE_COUNT.max): void => {
  if (!Number.isInteger(value) || value < 1) {
    throw validationError(constraint(value, member, 'Member must have value greater than or equal to 1'));
  }
  if (value > max) {
    throw validationError(constraint(value, member, `Member must have value less than or equal to ${max}`));
  }
};

const checkLength = (value: string, member: string, maxLength: number, minLength = 0): void => {
  if (value.length < minLength || value.length > maxLength) {
    throw validationError(
      constraint(value, member, `Member must have length between ${minLength} and ${maxLength}`),
    );
  }
};

export const checkTags = (tags: ReadonlyMap<string, string>): void => {
  if (tags.size > MAX_TAGS) {
    throw validationError(
      `A resource can have at most ${MAX_TAGS} tags; this request would leave ${tags.size}.`,
    );
  }
  for (const [key, value] of tags) {
    checkLength(key, 'tags.key', TAGS.keyMaxLength, 1);
    if (!TAGS.pattern.test(key))
      throw validationError(
        constraint(key, 'tags.key', `Member must satisfy regular expression pattern: ${TAGS.pattern.source}`),
      );
    checkLength(value, 'tags.value', TAGS.valueMaxLength);
    if (key.toLowerCase().startsWith('aws:'))
      throw validationError(`Tag keys starting with 'aws:' are reserved: ${key}`);
  }
};

export const checkJobSpec = (spec: TrainingJobSpec, limits: KeepAliveLimits): void => {
  checkJobName(spec.name);
  checkLength(spec.roleArn, 'roleArn', ROLE_ARN.maxLength, ROLE_ARN.minLength);
  if (!ROLE_ARN_PATTERN.test(spec.roleArn)) {
    throw validationError(
      constraint(
        spec.roleArn,
        'roleArn',
        `Member must satisfy regular expression pattern: ${ROLE_ARN_PATTERN.source}`,
      ),
    );
  }
  const groups = spec.instanceGroups ?? [];
  const types = groups.length > 0 ? groups.map((g) => g.instanceType) : [spec.instanceType];
  for (const type of types) {
    if (!INSTANCE_TYPE_PATTERN.test(type)) {
      throw validationError(
        constraint(
          type,
          'resourceConfig.instanceType',
          'Member must be a SageMaker training instance type such as ml.m5.xlarge',
        ),
      );
    }
  }
  if (groups.length > INSTANCE_GROUPS.maxItems)
    throw validationError(
      constraint(
        groups.length,
        'resourceConfig.instanceGroups',
        `Member must have at most ${INSTANCE_GROUPS.maxItems} items`,
      ),
    );
  for (const group of groups)
    checkPositiveInteger(group.instanceCount, 'resourceConfig.instanceGroups.instanceCount');
  checkPositiveInteger(spec.instanceCount, 'resourceConfig.instanceCount');
  checkPositiveInteger(spec.volumeSizeInGB, 'resourceConfig.volumeSizeInGB', VOLUME_SIZE_IN_GB.max);
  if (spec.volumeKmsKeyId !== undefined) {
    checkLength(spec.volumeKmsKeyId, 'resourceConfig.volumeKmsKeyId', VOLUME_KMS_KEY_ID.maxLength);
    if (!VOLUME_KMS_KEY_ID.pattern.test(spec.volumeKmsKeyId))
      throw validationError(
        constraint(
          spec.volumeKmsKeyId,
          'resourceConfig.volumeKmsKeyId',
          `Member must satisfy regular expression pattern: ${VOLUME_KMS_KEY_ID.pattern.source}`,
        ),
      );
  }
  const vpc = spec.vpc;
  if (vpc) {
    for (const [member, ids, maxItems] of [
      ['vpcConfig.securityGroupIds', vpc.securityGroupIds, VPC_CONFIG.securityGroupIds.maxItems],
      ['vpcConfig.subnets', vpc.subnets, VPC_CONFIG.subnets.maxItems],
    ] as const) {
      if (ids.length > maxItems)
        throw validationError(constraint(ids.length, member, `Member must have at most ${maxItems} items`));
      for (const id of ids) {
        checkLength(id, member, VPC_CONFIG.id.maxLength, 1);
        if (!VPC_CONFIG.id.pattern.test(id))
          throw validationError(
            constraint(
              id,
              member,
              `Member must satisfy regular expression pattern: ${VPC_CONFIG.id.pattern.source}`,
            ),
          );
      }
    }
  }
  if (spec.keepAliveSeconds !== undefined) {
    const problem = keepAliveRangeProblem(spec.keepAliveSeconds, limits);
    if (problem) throw validationError(problem);
  }
  checkTags(new Map(Object.entries(spec.tags ?? {})));
};

export const checkSimulatedRun = (run: SimulatedRun): void => {
  if (!Number.isFinite(run.durationSeconds) || run.durationSeconds < 0) {
    throw validationError(`durationSeconds must be a non-negative number, not ${run.durationSeconds}`);
  }
  if (!JOB_OUTCOMES.includes(run.outcome)) {
    throw validationError(`outcome must be one of ${JOB_OUTCOMES.join(', ')}, not ${String(run.outcome)}`);
  }
};
