import { describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../../devtools/local/sagemaker/emulatedJob';
import type { EventStyle } from '../../devtools/local/sagemaker/eventStyle';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { WarmPoolModel } from '../../devtools/local/sagemaker/warmPoolModel';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import { sampleSubmission } from '../support/sampleSubmission';

const T0 = Date.parse('2025-03-03T09:00:00Z');

const job = (name: string, overrides: Partial<SubmitRequest> = {}): SubmitRequest =>
  sampleSubmission(name, { tags: { owner: 'ada', team: 'vision' }, ...overrides });

/** Every kind of transition the emulator can emit an event for, in one run. */
const runScenario = (eventStyle: EventStyle) => {
  const clock = { ms: T0, now: () => clock.ms };
  const events: TrainingJobStateChangeEvent[] = [];
  const model = new WarmPoolModel({ clock, eventStyle, onEvent: (e) => events.push(e) });
  const at = (seconds: number) => {
    clock.ms = T0 + seconds * 1000;
    model.advanceTo(clock.ms);
  };
  model.submit(job('cold-a'));
  model.submit(
    job('algo-fail', { outcome: 'Failed', failureReason: 'AlgorithmError: NaN', volumeSizeInGB: 60 }),
  );
  model.submit(
    job('svc-fail', { outcome: 'Failed', failureReason: 'InternalServerError: x', volumeSizeInGB: 70 }),
  );
  model.submit(job('traced-stop', { outcome: 'Stopped', volumeSizeInGB: 80 }));
  model.submit(job('spot', { spot: true, volumeSizeInGB: 90 }));
  model.submit(
    job('hetero', {
      instanceType: 'ml.p4d.24xlarge+ml.c5.xlarge',
      instanceCount: 3,
      instanceGroups: [
        { instanceGroupName: 'gpu', instanceType: 'ml.p4d.24xlarge', instanceCount: 2 },
        { instanceGroupName: 'cpu', instanceType: 'ml.c5.xlarge', instanceCount: 1 },
      ],
    }),
  );
  model.submit(
    job('in-vpc', {
      volumeKmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      vpc: { securityGroupIds: ['sg-2', 'sg-1'], subnets: ['subnet-1'] },
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
      tags: {},
    }),
  );
  model.submit(job('stopped-early', { volumeSizeInGB: 100 }));
  at(30);
  model.stop('stopped-early');
  at(800);
  model.submit(job('warm-b', { image: 'other:2' }));
  at(2000);
  return { model, events };
};

describe('state-change events', () => {
  for (const style of ['documented', 'registry', 'mixed'] as const) {
    it(`every ${style} event parses with poolwarden's parser, and says what Describe says`, () => {
      const { model, events } = runScenario(style);
      expect(events.length).toBeGreaterThan(20);
      for (const event of events) {
        const parsed = parseJobStateChange(event, DEFAULT_OWNER_TAG_KEYS);
        if (!parsed.ok)
          throw new Error(`${event.detail.TrainingJobName}: ${JSON.stringify(parsed.rejection)}`);
        const truth = model.inspectJob(parsed.snapshot.name);
        expect(parsed.eventId).toBe(event.id);
        expect(parsed.snapshot.matchKey).toBe(truth?.matchKey);
        expect(parsed.snapshot.createdAtMs).toBe(truth?.createdAtMs);
        expect(parsed.snapshot.tags).toEqual(truth?.tags);
      }
    });
  }

  it('emits the documented shape: string timestamps, a tag map, VolumeSizeInGB', () => {
    const { events } = runScenario('documented');
    for (const { detail } of events) {
      expect(typeof detail.CreationTime).toBe('string');
      expect(typeof detail.LastModifiedTime).toBe('string');
      expect(Array.isArray(detail.Tags)).toBe(false);
      expect(detail.ResourceConfig.VolumeSizeInGb).toBeUndefined();
    }
    const first = events[0];
    expect(first).toMatchObject({
      version: '0',
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      account: '123456789012',
      region: 'us-east-1',
      time: '2025-03-03T09:00:00Z',
      resources: ['arn:aws:sagemaker:us-east-1:123456789012:training-job/cold-a'],
      detail: {
        TrainingJobName: 'cold-a',
        TrainingJobStatus: 'InProgress',
        SecondaryStatus: 'Starting',
        CreationTime: String(T0),
        LastModifiedTime: String(T0),
        ResourceConfig: {
          InstanceType: 'ml.g5.xlarge',
          InstanceCount: 1,
          VolumeSizeInGB: 50,
        },
        VpcConfig: {},
        EnableManagedSpotTraining: false,
        Tags: { owner: 'ada', team: 'vision' },
        SecondaryStatusTransitions: [],
      },
    });
    expect(first?.detail.TrainingStartTime).toBeUndefined();
    // Neither real shape carries the keep-alive: only DescribeTrainingJob tells it.
    for (const { detail } of events)
      expect(detail.ResourceConfig).not.toHaveProperty('KeepAlivePeriodInSeconds');
  });

  it('emits the registry shape: numeric timestamps, a tag list, VolumeSizeInGb', () => {
    const { events } = runScenario('registry');
    for (const { detail } of events) {
      expect(typeof detail.CreationTime).toBe('number');
      expect(Array.isArray(detail.Tags)).toBe(true);
      expect(detail.ResourceConfig.VolumeSizeInGB).toBeUndefined();
    }
    expect(events[0]?.detail.Tags).toEqual([
      { Key: 'owner', Value: 'ada' },
      { Key: 'team', Value: 'vision' },
    ]);
  });

  it('alternates the two shapes in mixed style', () => {
    const { events } = runScenario('mixed');
    events.forEach((event, i) => {
      expect(typeof event.detail.CreationTime).toBe(i % 2 === 0 ? 'string' : 'number');
    });
  });

  it('emits one event per status change, FailureReason only on failures, and none for pool transitions', () => {
    const { events } = runScenario('registry');
    const trail = (name: string) =>
      events
        .filter((e) => e.detail.TrainingJobName === name)
        .map((e) => `${e.detail.TrainingJobStatus}/${e.detail.SecondaryStatus}`);
    expect(trail('cold-a')).toEqual(['InProgress/Starting', 'InProgress/Training', 'Completed/Completed']);
    expect(trail('warm-b')).toEqual(['InProgress/Starting', 'InProgress/Training', 'Completed/Completed']);
    expect(trail('traced-stop')).toEqual([
      'InProgress/Starting',
      'InProgress/Training',
      'Stopping/Stopping',
      'Stopped/Stopped',
    ]);
    expect(trail('stopped-early')).toEqual(['InProgress/Starting', 'Stopping/Stopping', 'Stopped/Stopped']);
    for (const event of events) {
      if (event.detail.TrainingJobStatus === 'Failed') expect(event.detail.FailureReason).toBeTruthy();
      else expect(event.detail.FailureReason).toBeUndefined();
    }
    // cold-a's pool was reused by warm-b and warm-b's pool expired: still only status events.
    expect(events).toHaveLength(8 * 3 + 1 + 3);
  });

  it('carries VPC, KMS and the heterogeneous groups as the parser expects', () => {
    const { events } = runScenario('documented');
    const vpc = events.find((e) => e.detail.TrainingJobName === 'in-vpc');
    const parsedVpc = parseJobStateChange(vpc, DEFAULT_OWNER_TAG_KEYS);
    expect(parsedVpc.ok && parsedVpc.snapshot.criteria).toEqual({
      roleArn: 'arn:aws:iam::123456789012:role/training',
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 50,
      volumeKmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      securityGroupIds: ['sg-1', 'sg-2'],
      subnets: ['subnet-1'],
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
    });
    const hetero = events.find((e) => e.detail.TrainingJobName === 'hetero');
    const parsedHetero = parseJobStateChange(hetero, DEFAULT_OWNER_TAG_KEYS);
    expect(parsedHetero.ok && parsedHetero.snapshot.heterogeneous).toBe(true);
    const spot = events.find((e) => e.detail.TrainingJobName === 'spot');
    const parsedSpot = parseJobStateChange(spot, DEFAULT_OWNER_TAG_KEYS);
    expect(parsedSpot.ok && parsedSpot.snapshot.spot).toBe(true);
  });

  it('keeps LastModifiedTime strictly increasing per job, even when transitions share a millisecond', () => {
    const clock = { ms: T0, now: () => clock.ms };
    const events: TrainingJobStateChangeEvent[] = [];
    const model = new WarmPoolModel({
      clock,
      eventStyle: 'registry',
      startupSeconds: { cold: 0, warm: 0 },
      stopDelaySeconds: 0,
      onEvent: (e) => events.push(e),
    });
    model.submit(job('instant', { durationSeconds: 0 }));
    model.submit(job('instant-stop', { durationSeconds: 0, outcome: 'Stopped', volumeSizeInGB: 70 }));
    model.advanceTo(T0);
    for (const name of ['instant', 'instant-stop']) {
      const stamps = events
        .filter((e) => e.detail.TrainingJobName === name)
        .map((e) => Number(e.detail.LastModifiedTime));
      expect(stamps.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < stamps.length; i++)
        expect(stamps[i]).toBeGreaterThan(stamps[i - 1] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('emits the same events, ids included, for the same run', () => {
    expect(runScenario('mixed').events).toEqual(runScenario('mixed').events);
  });
});
