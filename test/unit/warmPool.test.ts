import { describe, expect, it } from 'vitest';
import { explainNoPool, poolRank } from '../../lib/domain/warmPool';

const facts = {
  status: 'Completed' as const,
  instanceType: 'ml.p5.48xlarge',
  clusterLaunched: true,
  spot: false,
  heterogeneous: false,
};

describe('explainNoPool', () => {
  it('blames the warm pool quota when no documented exclusion applies', () => {
    const explained = explainNoPool(facts);
    expect(explained.reason).toBe('no-warm-pool-quota');
    expect(explained.detail).toContain('ml.p5.48xlarge for training warm pool usage');
  });

  it.each([
    [{ spot: true }, 'spot-training'],
    [{ heterogeneous: true }, 'heterogeneous-cluster'],
    [
      { status: 'Failed' as const, failureReason: 'InternalServerError: oops' },
      'failed-without-client-error',
    ],
    [{ status: 'Stopped' as const, clusterLaunched: false }, 'stopped-before-launch'],
    [{ status: 'Failed' as const, failureReason: 'AlgorithmError: exit 1' }, 'no-warm-pool-quota'],
    [{ status: 'Stopped' as const, clusterLaunched: true }, 'no-warm-pool-quota'],
  ])('explains %j as %s', (change, reason) => {
    expect(explainNoPool({ ...facts, ...change }).reason).toBe(reason);
  });
});

describe('poolRank', () => {
  it('orders a pool life forward only', () => {
    expect(poolRank('InUse')).toBeLessThan(poolRank('Available'));
    expect(poolRank('Available')).toBeLessThan(poolRank('Reused'));
    expect(poolRank('Reused')).toBe(poolRank('Terminated'));
  });
});
