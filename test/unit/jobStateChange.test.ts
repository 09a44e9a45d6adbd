import { describe, expect, it } from 'vitest';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import { jobEvent, T0 } from '../support/jobEvents';

const parse = (raw: unknown) => parseJobStateChange(raw, DEFAULT_OWNER_TAG_KEYS);

describe('parseJobStateChange', () => {
  it('reads the documented shape: string timestamps and a tag map', () => {
    const parsed = parse(jobEvent({ style: 'documented' }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.snapshot).toMatchObject({
      name: 'train-a',
      status: 'Completed',
      createdAtMs: T0,
      endedAtMs: T0 + 600_000,
      lastModifiedMs: T0 + 600_000,
      keepAliveSeconds: 1800,
      owner: 'alice',
      team: 'vision',
      criteria: { instanceType: 'ml.g5.xlarge', instanceCount: 1, volumeSizeInGB: 30, volumeKmsKeyId: null },
    });
  });

  it('reads the schema-registry shape: numeric timestamps, a tag list and VolumeSizeInGb', () => {
    const documented = parse(jobEvent({ style: 'documented' }));
    const registry = parse(jobEvent({ style: 'registry' }));
    expect(registry.ok && documented.ok).toBe(true);
    if (!registry.ok || !documented.ok) return;
    expect(registry.snapshot).toEqual(documented.snapshot);
  });

  it('accepts unknown extra fields, an absent VpcConfig and null Tags', () => {
    const event = jobEvent();
    const detail: Record<string, unknown> = { ...event.detail, Tags: null, SomethingNew: { a: 1 } };
    delete detail.VpcConfig;
    const parsed = parse({ ...event, detail, extra: true });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.snapshot.tags).toEqual({});
  });

  it('gives equal match keys whatever the order of subnets and security groups', () => {
    const withVpc = (sg: string[], subnets: string[]) => {
      const event = jobEvent();
      const parsed = parse({
        ...event,
        detail: { ...event.detail, VpcConfig: { SecurityGroupIds: sg, Subnets: subnets } },
      });
      return parsed.ok ? parsed.snapshot.matchKey : 'invalid';
    };
    expect(withVpc(['sg-1', 'sg-2'], ['s-1', 's-2'])).toBe(withVpc(['sg-2', 'sg-1'], ['s-2', 's-1']));
    expect(withVpc(['sg-1'], ['s-1'])).not.toBe(withVpc(['sg-1'], ['s-2']));
  });

  it.each([
    ['a foreign source', (e: ReturnType<typeof jobEvent>) => ({ ...e, source: 'aws.ec2' }), 'source'],
    [
      'another detail-type',
      (e: ReturnType<typeof jobEvent>) => ({ ...e, 'detail-type': 'SageMaker Endpoint State Change' }),
      'detail-type',
    ],
    [
      'an unknown status',
      (e: ReturnType<typeof jobEvent>) => ({ ...e, detail: { ...e.detail, TrainingJobStatus: 'Exploded' } }),
      'detail.TrainingJobStatus',
    ],
    [
      'a timestamp that is not a time',
      (e: ReturnType<typeof jobEvent>) => ({ ...e, detail: { ...e.detail, LastModifiedTime: 'yesterday' } }),
      'detail.LastModifiedTime',
    ],
    [
      'a missing instance type',
      (e: ReturnType<typeof jobEvent>) => ({
        ...e,
        detail: { ...e.detail, ResourceConfig: { InstanceCount: 1, VolumeSizeInGB: 30 } },
      }),
      'detail.ResourceConfig.InstanceType',
    ],
    [
      'tags that are neither a map nor a list',
      (e: ReturnType<typeof jobEvent>) => ({ ...e, detail: { ...e.detail, Tags: 'owner=alice' } }),
      'detail.Tags',
    ],
  ])('rejects %s, naming the event and the field', (_label, mutate, field) => {
    const parsed = parse(mutate(jobEvent({ id: 'evt-42' })));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.rejection.eventId).toBe('evt-42');
    expect(parsed.rejection.field).toBe(field);
    expect(parsed.rejection.message.length).toBeGreaterThan(0);
  });

  it('rejects what is not an event at all', () => {
    expect(parse('hello')).toEqual({
      ok: false,
      rejection: { eventId: '(no id)', field: '(event)', message: expect.any(String) },
    });
  });
});
