import { describe, expect, it } from 'vitest';
import { poolStateFrom } from '../../lib/app/observeDescription';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS, lifetimeEndMs } from '../../lib/domain/keepAlive';
import { classifyPoolEnd } from '../../lib/domain/poolChain';
import type { TrainingJobDescription } from '../../lib/ports/trainingJobs';
import { withOverrides } from '../support/overrides';
import { sampleAvailablePool } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const CAP_MS = lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS);

/** The last pool of a chain born at T0, Available since 20 minutes before its lifetime cap. */
const nearTheCap = (expiresAtMs: number): JobRecord => {
  const sinceMs = CAP_MS - 20 * MIN;
  const record = sampleAvailablePool('last-of-chain', sinceMs);
  if (!record.pool) throw new Error('the sample has its pool');
  return { ...record, pool: withOverrides(record.pool, { bornAtMs: T0, poolId: 'head', expiresAtMs }) };
};

/** SageMaker ended the pool at its chain's lifetime cap. */
const endedAtTheCap: TrainingJobDescription = {
  name: 'last-of-chain',
  status: 'Completed',
  instanceType: 'ml.g5.xlarge',
  keepAliveSeconds: 1800,
  warmPool: { status: 'Terminated', billableSeconds: 20 * 60 },
};

describe("the pool state SageMaker's answer implies (poolStateFrom)", () => {
  it("keeps the ledger's prediction, brought within the lifetime of the chain's birth it knows", () => {
    // The end was written from its keep-alive alone (30 min); its retry, which caps it, never came.
    const uncapped = nearTheCap(CAP_MS + 10 * MIN);
    const state = poolStateFrom(uncapped, endedAtTheCap, DEFAULT_KEEP_ALIVE_LIMITS, CAP_MS + MIN);
    expect(state?.expiresAtMs).toBe(CAP_MS);
    // So the pool that ended at its cap ended as predicted, not early.
    if (!state) throw new Error('SageMaker told a pool');
    expect(classifyPoolEnd({ ...uncapped, pool: state })).toBe('expired');

    const within = nearTheCap(CAP_MS - 5 * MIN);
    expect(poolStateFrom(within, endedAtTheCap, DEFAULT_KEEP_ALIVE_LIMITS, CAP_MS)?.expiresAtMs).toBe(
      CAP_MS - 5 * MIN,
    );
  });
});
