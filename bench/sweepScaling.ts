import { performance } from 'node:perf_hooks';
import { MemoryDecisionLog } from '../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../lib/adapters/memory/memoryUsageStats';
import { ContainerLearnerMemo } from '../lib/app/containerLearnerMemo';
import { sweep } from '../lib/app/sweep';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../lib/domain/keepAlive';
import { matchKey, normaliseCriteria } from '../lib/domain/matchKey';
import { DEFAULT_POLICY } from '../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import type { JobSnapshot } from '../lib/domain/trainingJob';
import type { Ledger } from '../lib/ports/ledger';
import { silentTelemetry } from '../lib/ports/telemetry';
import type { TrainingJobs } from '../lib/ports/trainingJobs';
import { fixed, type Section, table, thousands } from './format';

/**
 * Section 4: one sweep over N Available pools with M ended pools in the ledger's history. The
 * sweep is lib/app/sweep.ts with the in-memory ports and a TrainingJobs that answers at once;
 * the work is counted at the ports (ledger calls and records read, describes, updates).
 */
const NOW = Date.parse('2026-03-02T12:00:00Z');

const snapshot = (i: number, team: string): JobSnapshot => {
  const criteria = normaliseCriteria({
    roleArn: `arn:aws:iam::123456789012:role/sagemaker-${team}`,
    instanceType: 'ml.g5.xlarge',
    instanceCount: 1,
    volumeSizeInGB: 30 + (i % 7),
    volumeKmsKeyId: null,
    securityGroupIds: [],
    subnets: [],
    enableNetworkIsolation: false,
    enableInterContainerTrafficEncryption: false,
  });
  return {
    name: `job-${i}`,
    arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/job-${i}`,
    status: 'Completed',
    lastModifiedMs: NOW - 120_000,
    createdAtMs: NOW - 900_000,
    startedAtMs: NOW - 780_000,
    endedAtMs: NOW - 120_000,
    criteria,
    matchKey: matchKey(criteria),
    keepAliveSeconds: 3600,
    spot: false,
    heterogeneous: false,
    tags: { owner: `owner-${i % 50}`, team },
    owner: `owner-${i % 50}`,
    team,
  };
};

const populate = async (ledger: MemoryLedger, available: number, history: number) => {
  for (let i = 0; i < available + history; i++) {
    const record = await ledger.recordSnapshot(snapshot(i, `team-${i % 8}`));
    const ended = i >= available;
    await ledger.observePool(record.record, {
      status: ended ? 'Terminated' : 'Available',
      keepAliveSeconds: 3600,
      availableSinceMs: NOW - 120_000 - (ended ? 86_400_000 : 0),
      expiresAtMs: NOW + 3_480_000 + (i % 600) * 1000,
      bornAtMs: NOW - 120_000,
      poolId: `job-${i}`,
      observedAtMs: NOW - 30_000,
      ...(ended ? { billableSeconds: 600 } : {}),
    });
  }
};

/** Counts every call made through an object's methods, and the records the ledger hands back. */
const counting = <T extends object>(target: T, calls: Map<string, number>, records: { read: number }): T =>
  new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        const result = await value.apply(object, args);
        if (result && typeof result === 'object' && 'items' in result) records.read += result.items.length;
        else if (Array.isArray(result)) records.read += result.length;
        else if (result && typeof result === 'object' && 'name' in result) records.read += 1;
        return result;
      };
    },
  });

export interface SweepRow {
  readonly available: number;
  readonly history: number;
  readonly ledgerCalls: number;
  readonly pageReads: number;
  readonly recordsRead: number;
  readonly describes: number;
  readonly updates: number;
  readonly ms: number;
}

const measure = async (available: number, history: number): Promise<SweepRow> => {
  const memory = new MemoryLedger();
  await populate(memory, available, history);
  const calls = new Map<string, number>();
  const records = { read: 0 };
  const ledger = counting<Ledger>(memory, calls, records);
  let describes = 0;
  let updates = 0;
  const trainingJobs: TrainingJobs = {
    describe: async (name) => {
      describes++;
      return { name, status: 'Completed', instanceType: 'ml.g5.xlarge', keepAliveSeconds: 3600 };
    },
    setKeepAlive: async () => {
      updates++;
    },
  };
  const started = performance.now();
  await sweep({
    ledger,
    trainingJobs,
    clock: { now: () => NOW },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    decisions: new MemoryDecisionLog(),
    setup: {
      policy: DEFAULT_POLICY,
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      killSwitch: false,
      prices: DEFAULT_PRICES,
    },
    stats: new MemoryUsageStats(),
    learnerMemo: new ContainerLearnerMemo(),
    telemetry: silentTelemetry,
    reactors: [],
    pageSize: 100,
    concurrency: 8,
    reconcileEveryMs: 15 * 60_000,
    remainingMs: () => 60_000,
    safetyMarginMs: 5_000,
    scheduleEveryMs: 60_000,
    lookAheadMs: 300_000,
  });
  const ms = performance.now() - started;
  return {
    available,
    history,
    ledgerCalls: [...calls.values()].reduce((a, b) => a + b, 0),
    pageReads: calls.get('availablePools') ?? 0,
    recordsRead: records.read,
    describes,
    updates,
    ms,
  };
};

export const SWEEP_SIZES: readonly (readonly [number, number])[] = [
  [100, 0],
  [100, 50_000],
  [1_000, 0],
  [1_000, 50_000],
  [10_000, 0],
  [10_000, 50_000],
];

export const runSweepScaling = async (): Promise<{ section: Section; rows: SweepRow[] }> => {
  const rows: SweepRow[] = [];
  for (const [available, history] of SWEEP_SIZES) rows.push(await measure(available, history));
  const body = table(
    [
      'Available pools',
      'ended pools in history',
      'ledger calls',
      'index pages read',
      'records read',
      'DescribeTrainingJob',
      'UpdateTrainingJob',
      'sweep ms (MemoryLedger)',
    ],
    rows.map((r) => [
      thousands(r.available),
      thousands(r.history),
      thousands(r.ledgerCalls),
      thousands(r.pageReads),
      thousands(r.recordsRead),
      thousands(r.describes),
      thousands(r.updates),
      fixed(r.ms, 0),
    ]),
  );
  return { section: { title: 'sweep', body }, rows };
};
