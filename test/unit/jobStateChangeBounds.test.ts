import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import {
  FAILURE_REASON,
  INSTANCE_COUNT,
  KEEP_ALIVE_PERIOD_SECONDS,
  ROLE_ARN,
  TAGS,
  TIMESTAMP,
  TRAINING_JOB_ARN,
  TRAINING_JOB_NAME,
  VOLUME_SIZE_IN_GB,
} from '../../lib/domain/sageMakerLimits';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import { jobEvent, T0 } from '../support/jobEvents';

const parse = (raw: unknown, cap?: number) => parseJobStateChange(raw, DEFAULT_OWNER_TAG_KEYS, cap);

type Event = ReturnType<typeof jobEvent>;
const withDetail = (patch: Record<string, unknown>, event: Event = jobEvent()) => ({
  ...event,
  detail: { ...event.detail, ...patch },
});
const withResources = (patch: Record<string, unknown>, event: Event = jobEvent()) =>
  withDetail({ ResourceConfig: { ...event.detail.ResourceConfig, ...patch } }, event);

const refusedAt = (raw: unknown, cap?: number) => {
  const parsed = parse(raw, cap);
  return parsed.ok ? 'accepted' : parsed.rejection.field;
};

describe('the event parser refuses what SageMaker cannot send, naming the field', () => {
  const rc = 'detail.ResourceConfig';
  it.each([
    ['an InstanceCount of -5', withResources({ InstanceCount: -5 }), `${rc}.InstanceCount`],
    ['an InstanceCount of 0', withResources({ InstanceCount: 0 }), `${rc}.InstanceCount`],
    ['a missing InstanceCount', withResources({ InstanceCount: undefined }), `${rc}.InstanceCount`],
    [
      'an instance group of -5',
      withResources({
        InstanceType: undefined,
        InstanceCount: undefined,
        InstanceGroups: [{ InstanceType: 'ml.g5.xlarge', InstanceCount: -5, InstanceGroupName: 'a' }],
      }),
      `${rc}.InstanceGroups.0.InstanceCount`,
    ],
    ['a VolumeSizeInGB of 0', withResources({ VolumeSizeInGB: 0 }), `${rc}.VolumeSizeInGB`],
    [
      'VolumeSizeInGB and VolumeSizeInGb that differ',
      withResources({ VolumeSizeInGB: 30, VolumeSizeInGb: 50 }),
      `${rc}.VolumeSizeInGb`,
    ],
    [
      'a KeepAlivePeriodInSeconds of 10^9',
      withResources({ KeepAlivePeriodInSeconds: 1e9 }),
      `${rc}.KeepAlivePeriodInSeconds`,
    ],
    [
      'a LastModifiedTime of 9999999999999999',
      withDetail({ LastModifiedTime: '9999999999999999' }),
      'detail.LastModifiedTime',
    ],
    [
      'a LastModifiedTime days after the event',
      withDetail({ LastModifiedTime: String(T0 + 30 * 86_400_000) }),
      'detail.LastModifiedTime',
    ],
    [
      'an ARN naming another job',
      withDetail({ TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/train-b' }),
      'detail.TrainingJobArn',
    ],
    ['a RoleArn of "arn:"', withDetail({ RoleArn: 'arn:' }), 'detail.RoleArn'],
    [
      '51 tags',
      withDetail({ Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
      'detail.Tags',
    ],
    ['a tag value of 257 characters', withDetail({ Tags: { owner: 'a'.repeat(257) } }), 'detail.Tags.owner'],
    [
      'a tag key of 129 characters',
      withDetail({ Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }),
      `detail.Tags.${'k'.repeat(129)}`,
    ],
    ['a FailureReason of 1 MB', withDetail({ FailureReason: 'x'.repeat(1_000_000) }), 'detail.FailureReason'],
    [
      'a SecondaryStatus of 1 MB',
      withDetail({ SecondaryStatus: 'x'.repeat(1_000_000) }),
      'detail.SecondaryStatus',
    ],
  ])('%s', (_what, event, field) => {
    expect(refusedAt(event)).toBe(field);
  });

  it('accepts the longest names, tags and reasons SageMaker allows', () => {
    const name = `a${'-b'.repeat(31)}`;
    expect(name).toHaveLength(TRAINING_JOB_NAME.maxLength);
    const tags = Object.fromEntries(
      Array.from({ length: TAGS.maxCount }, (_, i) => [
        `${String(i).padStart(2, '0')}${'k'.repeat(TAGS.keyMaxLength - 2)}`,
        'v'.repeat(TAGS.valueMaxLength),
      ]),
    );
    const event = withDetail(
      {
        FailureReason: 'r'.repeat(FAILURE_REASON.maxLength),
        Tags: { ...tags, 'aws:cloudformation:stack-name': 's' },
      },
      jobEvent({ name, status: 'Failed' }),
    );
    expect(refusedAt(event)).toBe('accepted');
  });

  it('keeps the keep-alive cap in configuration: 21600 is refused at 3600 and accepted at 21600', () => {
    const event = withResources({ KeepAlivePeriodInSeconds: KEEP_ALIVE_PERIOD_SECONDS.newestModelMax });
    expect(refusedAt(event)).toBe('detail.ResourceConfig.KeepAlivePeriodInSeconds');
    expect(refusedAt(event, KEEP_ALIVE_PERIOD_SECONDS.newestModelMax)).toBe('accepted');
  });

  it('accepts an ARN in upper and lower case, as SageMaker lower-cases names in ARNs', () => {
    const event = jobEvent({ name: 'Train-A' });
    expect(refusedAt(withDetail({ TrainingJobArn: event.detail.TrainingJobArn.toLowerCase() }, event))).toBe(
      'accepted',
    );
  });
});

/** What every accepted snapshot must satisfy: the documented bounds. */
const expectWithinBounds = (raw: unknown) => {
  const parsed = parse(raw);
  if (!parsed.ok) {
    expect(parsed.rejection.field.length).toBeGreaterThan(0);
    expect(parsed.rejection.message.length).toBeGreaterThan(0);
    return false;
  }
  const s = parsed.snapshot;
  expect(s.name).toMatch(TRAINING_JOB_NAME.pattern);
  expect(s.arn.length).toBeLessThanOrEqual(TRAINING_JOB_ARN.maxLength);
  expect(s.arn.toLowerCase().endsWith(`/${s.name.toLowerCase()}`)).toBe(true);
  expect(s.criteria.roleArn).toMatch(ROLE_ARN.pattern);
  expect(s.criteria.instanceCount).toBeGreaterThanOrEqual(INSTANCE_COUNT.min);
  expect(s.criteria.volumeSizeInGB).toBeGreaterThanOrEqual(VOLUME_SIZE_IN_GB.min);
  expect(s.keepAliveSeconds ?? 0).toBeLessThanOrEqual(KEEP_ALIVE_PERIOD_SECONDS.documentedMax);
  expect(s.keepAliveSeconds ?? 0).toBeGreaterThanOrEqual(0);
  for (const ms of [s.lastModifiedMs, s.createdAtMs, s.startedAtMs ?? 0, s.endedAtMs ?? 0])
    expect(ms).toBeLessThanOrEqual(TIMESTAMP.maxMs);
  const userTags = Object.keys(s.tags).filter((k) => !k.startsWith(TAGS.reservedPrefix));
  expect(userTags.length).toBeLessThanOrEqual(TAGS.maxCount);
  for (const [k, v] of Object.entries(s.tags)) {
    expect(k.length).toBeLessThanOrEqual(TAGS.keyMaxLength);
    expect(v.length).toBeLessThanOrEqual(TAGS.valueMaxLength);
  }
  expect((s.failureReason ?? '').length).toBeLessThanOrEqual(FAILURE_REASON.maxLength);
  expect(Object.getPrototypeOf(s.tags)).toBe(Object.prototype);
  return true;
};

/** A value of any JSON shape, including the nasty ones. */
const anyValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    -5,
    0,
    1,
    -1,
    1e9,
    1e16,
    2 ** 31,
    Number.NaN,
    '',
    'arn:',
    '__proto__',
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.string({ minLength: 60, maxLength: 70 }),
  fc.constantFrom('x'.repeat(300), 'x'.repeat(1100), '9999999999999999', '-1', '1.5', ' 1', '１'),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Paths of the event's fields that a mutation may change. */
const FIELD_PATHS = [
  ['id'],
  ['source'],
  ['time'],
  ['detail', 'TrainingJobName'],
  ['detail', 'TrainingJobArn'],
  ['detail', 'TrainingJobStatus'],
  ['detail', 'SecondaryStatus'],
  ['detail', 'CreationTime'],
  ['detail', 'TrainingStartTime'],
  ['detail', 'TrainingEndTime'],
  ['detail', 'LastModifiedTime'],
  ['detail', 'RoleArn'],
  ['detail', 'ResourceConfig', 'InstanceType'],
  ['detail', 'ResourceConfig', 'InstanceCount'],
  ['detail', 'ResourceConfig', 'VolumeSizeInGB'],
  ['detail', 'ResourceConfig', 'VolumeSizeInGb'],
  ['detail', 'ResourceConfig', 'VolumeKmsKeyId'],
  ['detail', 'ResourceConfig', 'KeepAlivePeriodInSeconds'],
  ['detail', 'ResourceConfig', 'InstanceGroups'],
  ['detail', 'VpcConfig', 'SecurityGroupIds'],
  ['detail', 'VpcConfig', 'Subnets'],
  ['detail', 'FailureReason'],
  ['detail', 'Tags'],
  ['detail', 'Tags', '__proto__'],
  ['detail', 'Tags', 'owner'],
  ['detail', 'EnableManagedSpotTraining'],
] as const;

const setAt = (target: Record<string, unknown>, path: readonly string[], value: unknown) => {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    node = next as Record<string, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1] as string, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
};

describe('the event parser under fuzzing (seeded)', () => {
  it('never throws, never pollutes a prototype, and accepts only events within the documented bounds', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<'documented' | 'registry'>('documented', 'registry'),
        fc.constantFrom<'InProgress' | 'Completed' | 'Failed' | 'Stopped'>(
          'InProgress',
          'Completed',
          'Failed',
          'Stopped',
        ),
        fc.array(fc.tuple(fc.constantFrom(...FIELD_PATHS), anyValue), { minLength: 0, maxLength: 3 }),
        (style, status, mutations) => {
          const event = structuredClone(jobEvent({ style, status })) as unknown as Record<string, unknown>;
          for (const [path, value] of mutations) setAt(event, path, value);
          if (expectWithinBounds(event)) accepted += 1;
          expect(({} as Record<string, unknown>).owner).toBeUndefined();
          expect(Object.prototype).not.toHaveProperty('polluted');
        },
      ),
      { seed: 15, numRuns: 4000 },
    );
    // The mutations leave some events valid: the property is not vacuous.
    expect(accepted).toBeGreaterThan(200);
  });
});
