import { describe, expect, it } from 'vitest';
import type { JobRecord, PoolState } from '../../lib/domain/jobRecord';
import type { MatchCriteria } from '../../lib/domain/matchKey';
import { gapSamplesOfPool, gapScopes } from '../../lib/domain/policy/gapDistribution';
import { poolFactsOf, poolFactsOfHead } from '../../lib/domain/policy/poolFacts';
import { assembleChains, poolView } from '../../lib/domain/poolChain';
import type { JobSnapshot } from '../../lib/domain/trainingJob';

const T0 = Date.parse('2025-06-03T08:00:00Z');
const MIN = 60_000;

const CRITERIA: MatchCriteria = {
  roleArn: 'arn:aws:iam::123456789012:role/train',
  instanceType: 'ml.g5.2xlarge',
  instanceCount: 2,
  volumeSizeInGB: 30,
  volumeKmsKeyId: null,
  securityGroupIds: [],
  subnets: [],
  enableNetworkIsolation: false,
  enableInterContainerTrafficEncryption: false,
};

const job = (
  name: string,
  createdAtMs: number,
  endedAtMs: number,
  tags: Record<string, string> = {},
): JobSnapshot => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
  status: 'Completed',
  lastModifiedMs: endedAtMs,
  createdAtMs,
  startedAtMs: createdAtMs + MIN,
  endedAtMs,
  criteria: CRITERIA,
  matchKey: 'mk1_test',
  keepAliveSeconds: 1800,
  spot: false,
  heterogeneous: false,
  tags,
  owner: 'alice',
  team: 'vision',
});

const pool = (state: Omit<PoolState, 'observedAtMs'>): PoolState => ({ observedAtMs: T0, ...state });

/** a (ends T0+10m) -> reused by b 5 min later (ends T0+45m) -> reused by c 20 min later. */
const chain = (head: PoolState, headTags: Record<string, string> = {}): JobRecord[] => [
  {
    name: 'a',
    job: job('a', T0, T0 + 10 * MIN),
    pool: pool({
      status: 'Reused',
      availableSinceMs: T0 + 10 * MIN,
      bornAtMs: T0 + 10 * MIN,
      reusedByJob: 'b',
      billableSeconds: 300,
    }),
  },
  {
    name: 'b',
    job: job('b', T0 + 15 * MIN, T0 + 45 * MIN),
    reusedPoolOf: 'a',
    pool: pool({
      status: 'Reused',
      availableSinceMs: T0 + 45 * MIN,
      bornAtMs: T0 + 10 * MIN,
      reusedByJob: 'c',
      billableSeconds: 1200,
    }),
  },
  { name: 'c', job: job('c', T0 + 65 * MIN, T0 + 90 * MIN, headTags), reusedPoolOf: 'b', pool: head },
];

const viewOf = (records: JobRecord[]) => {
  const [only] = assembleChains(records);
  if (!only) throw new Error('expected one chain');
  const head = records.find((r) => r.name === poolView(only).headJob);
  if (!head) throw new Error('no head');
  return { view: poolView(only), head };
};

describe('poolFactsOf', () => {
  it('takes what decide needs from the chain and its head job', () => {
    const { view, head } = viewOf(
      chain(
        pool({
          status: 'Available',
          availableSinceMs: T0 + 90 * MIN,
          expiresAtMs: T0 + 120 * MIN,
          bornAtMs: T0 + 10 * MIN,
        }),
        { 'poolwarden:protect': 'true' },
      ),
    );
    expect(poolFactsOf(view, head)).toEqual({
      poolId: 'a',
      headJob: 'c',
      status: 'Available',
      availableSinceMs: T0 + 90 * MIN,
      expiresAtMs: T0 + 120 * MIN,
      bornAtMs: T0 + 10 * MIN,
      ownKeepAliveSeconds: 1800,
      lastReuseAtMs: T0 + 66 * MIN,
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      owner: 'alice',
      team: 'vision',
      matchKey: 'mk1_test',
      // Its start less its submission: what its gaps' clock is shifted by (gapClock.ts).
      headStartupSeconds: 60,
      tags: { 'poolwarden:protect': 'true' },
    });
  });

  it("a first holder's pool is born when it becomes Available", () => {
    const records: JobRecord[] = [
      {
        name: 'solo',
        job: job('solo', T0, T0 + 10 * MIN),
        pool: pool({ status: 'Available', availableSinceMs: T0 + 10 * MIN, expiresAtMs: T0 + 40 * MIN }),
      },
    ];
    const { view, head } = viewOf(records);
    const facts = poolFactsOf(view, head);
    expect(facts.bornAtMs).toBe(T0 + 10 * MIN);
    expect(facts.lastReuseAtMs).toBeUndefined();
  });

  it('a pool the ledger sees in use is not Available to the policy', () => {
    const { view, head } = viewOf(chain(pool({ status: 'InUse' })));
    expect(poolFactsOf(view, head).status).toBe('InUse');
  });

  it('of the head record alone: the same facts, in the same order, as over its own view', () => {
    const available = pool({
      status: 'Available',
      poolId: 'a',
      availableSinceMs: T0 + 90 * MIN,
      expiresAtMs: T0 + 120 * MIN,
      bornAtMs: T0 + 10 * MIN,
    });
    const snapshot = job('c', T0 + 65 * MIN, T0 + 90 * MIN, { 'poolwarden:protect': 'true' });
    const heads: JobRecord[] = [
      { name: 'c', job: snapshot, reusedPoolOf: 'b', pool: available },
      { name: 'c', job: snapshot, pool: pool({ status: 'Terminated', availableSinceMs: T0 }) },
      {
        name: 'c',
        job: (({ team: _team, ...rest }) => ({ ...rest, owner: '' }))(snapshot),
        pool: pool({ status: 'Reused' }),
      },
      { name: 'c', pool: available },
      { name: 'c', job: snapshot },
    ];
    for (const head of heads) {
      const whole = poolFactsOf(
        {
          ...poolView([head]),
          poolId: head.pool?.poolId ?? head.name,
          reuseCount: head.reusedPoolOf ? 1 : 0,
        },
        head,
      );
      expect(JSON.stringify(poolFactsOfHead(head))).toBe(JSON.stringify(whole));
    }
  });
});

describe('gapSamplesOfPool', () => {
  it('gives one exact gap per reuse and a censored one for a pool that ended unreused', () => {
    const { view, head } = viewOf(
      chain(
        pool({
          status: 'Terminated',
          availableSinceMs: T0 + 90 * MIN,
          billableSeconds: 1800,
          bornAtMs: T0 + 10 * MIN,
        }),
      ),
    );
    expect(gapSamplesOfPool(view, head)).toEqual([
      { gapSeconds: 300, reused: true },
      { gapSeconds: 1200, reused: true },
      { gapSeconds: 1800, reused: false },
    ]);
  });

  it('counts a pool still idle as censored at its idle time so far, when asked', () => {
    const { view, head } = viewOf(chain(pool({ status: 'Available', availableSinceMs: T0 + 90 * MIN })));
    expect(gapSamplesOfPool(view, head)).toHaveLength(2);
    expect(gapSamplesOfPool(view, head, T0 + 100 * MIN)[2]).toEqual({ gapSeconds: 600, reused: false });
  });

  it('learns by match key, then owner, team, instance family and all pools', () => {
    expect(
      gapScopes({ matchKey: 'mk1_x', owner: 'alice', team: 'vision', instanceType: 'ml.p4d.24xlarge' }),
    ).toEqual([
      { kind: 'matchKey', key: 'mk1_x' },
      { kind: 'owner', key: 'alice' },
      { kind: 'team', key: 'vision' },
      { kind: 'family', key: 'ml.p4d' },
      { kind: 'all', key: 'pools' },
    ]);
    expect(gapScopes({})).toEqual([{ kind: 'all', key: 'pools' }]);
  });
});
