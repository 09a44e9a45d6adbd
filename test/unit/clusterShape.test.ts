import { describe, expect, it } from 'vitest';
import { clusterShape } from '../../lib/domain/clusterShape';

describe('clusterShape', () => {
  it('reads InstanceType and InstanceCount as a homogeneous cluster', () => {
    expect(clusterShape({ instanceType: 'ml.g5.xlarge', instanceCount: 2 })).toEqual({
      instanceType: 'ml.g5.xlarge',
      instanceCount: 2,
      heterogeneous: false,
    });
  });

  it('takes any cluster named by InstanceGroups, even one group, as heterogeneous: it keeps no warm pool', () => {
    expect(clusterShape({ instanceGroups: [{ instanceType: 'ml.g5.xlarge', instanceCount: 2 }] })).toEqual({
      instanceType: 'ml.g5.xlarge',
      instanceCount: 2,
      heterogeneous: true,
    });
    expect(
      clusterShape({
        instanceGroups: [
          { instanceType: 'ml.p4d.24xlarge', instanceCount: 2 },
          { instanceType: 'ml.c5.4xlarge', instanceCount: 1 },
        ],
      }),
    ).toEqual({ instanceType: 'ml.p4d.24xlarge+ml.c5.4xlarge', instanceCount: 3, heterogeneous: true });
  });
});
