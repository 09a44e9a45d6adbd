import type { KeepAliveLimits } from '../../../lib/domain/keepAlive';
import { validationError } from './apiErrors';
import { JOB_OUTCOMES, type SimulatedRun, type TrainingJobSpec } from './emulatedJob';
import { keepAliveRangeProblem } from './warmPoolRules';

/**
 * The checks SageMaker makes on a CreateTrainingJob request beyond its JSON shape, shared by the
 * HTTP API and the runner's submit(), so that a bad trace line fails like a bad API call would.
 */
export const TRAINING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const MAX_TAGS = 50;

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

const checkPositiveInteger = (value: number, member: string): void => {
  if (!Number.isInteger(value) || value < 1) {
    throw validationError(constraint(value, member, 'Member must have value greater than or equal to 1'));
  }
};

export const checkTags = (tags: ReadonlyMap<string, string>): void => {
  if (tags.size > MAX_TAGS) {
    throw validationError(
      `A resource can have at most ${MAX_TAGS} tags; this request would leave ${tags.size}.`,
    );
  }
  for (const [key, value] of tags) {
    if (key.length < 1 || key.length > 128)
      throw validationError(constraint(key, 'tags.key', 'Member must have length between 1 and 128'));
    if (value.length > 256)
      throw validationError(
        constraint(value, 'tags.value', 'Member must have length less than or equal to 256'),
      );
    if (key.toLowerCase().startsWith('aws:'))
      throw validationError(`Tag keys starting with 'aws:' are reserved: ${key}`);
  }
};

export const checkJobSpec = (spec: TrainingJobSpec, limits: KeepAliveLimits): void => {
  checkJobName(spec.name);
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
  for (const group of groups)
    checkPositiveInteger(group.instanceCount, 'resourceConfig.instanceGroups.instanceCount');
  checkPositiveInteger(spec.instanceCount, 'resourceConfig.instanceCount');
  checkPositiveInteger(spec.volumeSizeInGB, 'resourceConfig.volumeSizeInGB');
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
