import { describe, expect, it } from 'vitest';
import { describeDifferences, differences, type MatchCriteria, matchKey } from '../../lib/domain/matchKey';

const base: MatchCriteria = {
  roleArn: 'arn:aws:iam::1:role/r',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 30,
  volumeKmsKeyId: null,
  securityGroupIds: ['sg-b', 'sg-a'],
  subnets: ['subnet-1'],
  enableNetworkIsolation: false,
  enableInterContainerTrafficEncryption: false,
};

describe('matchKey', () => {
  it('is stable and ignores the order of VPC lists and an empty KMS key', () => {
    expect(matchKey(base)).toBe(
      matchKey({ ...base, securityGroupIds: ['sg-a', 'sg-b'], volumeKmsKeyId: '' }),
    );
    expect(matchKey(base)).toMatch(/^mk1_[0-9a-f]{32}$/);
  });

  it.each([
    ['roleArn', { roleArn: 'arn:aws:iam::1:role/other' }],
    ['instanceType', { instanceType: 'ml.g5.2xlarge' }],
    ['instanceCount', { instanceCount: 2 }],
    ['volumeSizeInGB', { volumeSizeInGB: 50 }],
    ['volumeKmsKeyId', { volumeKmsKeyId: 'key-1' }],
    ['securityGroupIds', { securityGroupIds: ['sg-a'] }],
    ['subnets', { subnets: ['subnet-2'] }],
    ['enableNetworkIsolation', { enableNetworkIsolation: true }],
    ['enableInterContainerTrafficEncryption', { enableInterContainerTrafficEncryption: true }],
  ])('changes with %s, and differences() names it', (field, change) => {
    const other = { ...base, ...change };
    expect(matchKey(other)).not.toBe(matchKey(base));
    expect(differences(base, other).map((d) => d.field)).toEqual([field]);
  });

  it('describes differences as pool vs job', () => {
    expect(describeDifferences(differences(base, { ...base, volumeSizeInGB: 50 }))).toBe(
      'volumeSizeInGB 30 vs 50',
    );
  });
});
