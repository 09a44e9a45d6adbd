import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { assembleChains, classifyPoolEnd, poolView } from '../../lib/domain/poolChain';

const MIN = 60_000;
const record = (name: string, extra: Partial<JobRecord> = {}): JobRecord => ({ name, ...extra });

describe('pool chains', () => {
  const a = record('a', {
    pool: {
      status: 'Reused',
      availableSinceMs: 10 * MIN,
      expiresAtMs: 40 * MIN,
      reusedByJob: 'b',
      billableSeconds: 300,
      observedAtMs: 0,
    },
  });
  const b = record('b', {
    reusedPoolOf: 'a',
    pool: { status: 'Available', availableSinceMs: 30 * MIN, expiresAtMs: 60 * MIN, observedAtMs: 0 },
  });
  const lone = record('c', {
    pool: {
      status: 'Terminated',
      availableSinceMs: 0,
      expiresAtMs: 10 * MIN,
      billableSeconds: 600,
      observedAtMs: 0,
    },
  });

  it('follows links in both directions and orders chains by birth', () => {
    const chains = assembleChains([b, lone, a]);
    expect(chains.map((c) => c.map((r) => r.name))).toEqual([['c'], ['a', 'b']]);
  });

  it('derives the pool view: status, reuse count, billable idle seconds, hops', () => {
    const withStart: JobRecord = {
      ...b,
      job: {
        name: 'b',
        arn: 'arn:b',
        status: 'Completed',
        lastModifiedMs: 0,
        createdAtMs: 15 * MIN,
        criteria: {
          roleArn: 'r',
          instanceType: 'ml.g5.xlarge',
          instanceCount: 2,
          volumeSizeInGB: 30,
          volumeKmsKeyId: null,
          securityGroupIds: [],
          subnets: [],
          enableNetworkIsolation: false,
          enableInterContainerTrafficEncryption: false,
        },
        matchKey: 'mk',
        spot: false,
        heterogeneous: false,
        tags: {},
        owner: 'alice',
      },
    };
    const view = poolView([a, withStart]);
    expect(view).toMatchObject({
      poolId: 'a',
      jobs: ['a', 'b'],
      headJob: 'b',
      status: 'Available',
      reuseCount: 1,
      idleBillableSeconds: 300,
      expiresAtMs: 60 * MIN,
      instanceCount: 2,
      owner: 'alice',
      hops: [{ fromJob: 'a', toJob: 'b', idleGapSeconds: 300, billableSeconds: 300 }],
    });
  });

  it('tells an expiry from an early end and from a stop', () => {
    expect(classifyPoolEnd(lone)).toBe('expired');
    const early = {
      ...lone,
      pool: { ...lone.pool, status: 'Terminated' as const, billableSeconds: 60, observedAtMs: 0 },
    };
    expect(classifyPoolEnd(early)).toBe('ended-early');
    expect(classifyPoolEnd({ ...early, pool: { ...early.pool, stoppedBy: 'policy:night' } })).toBe('stopped');
    expect(classifyPoolEnd(b)).toBeUndefined();
  });

  it('shows a pool whose successor is not recorded yet as in use', () => {
    expect(poolView([a]).status).toBe('InUse');
  });
});
