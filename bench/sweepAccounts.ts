import { performance } from 'node:perf_hooks';
import { MemoryDecisionLog } from '../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../lib/adapters/memory/memoryReconcileSchedule';
import { MemoryUsageStats } from '../lib/adapters/memory/memoryUsageStats';
import { LocatedTrainingJobs } from '../lib/adapters/sagemaker/locatedTrainingJobs';
import { ContainerLearnerMemo } from '../lib/app/containerLearnerMemo';
import { sweepAccounts } from '../lib/app/sweepAccounts';
import { type JobLocation, jobRef, locationLabel } from '../lib/domain/jobLocation';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../lib/domain/keepAlive';
import { matchKey, normaliseCriteria } from '../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS } from '../lib/domain/owner';
import { DEFAULT_POLICY } from '../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import type { Ledger } from '../lib/ports/ledger';
import type { ReconcileSchedule } from '../lib/ports/reconcileSchedule';
import { silentTelemetry } from '../lib/ports/telemetry';
import type { TrainingJobs } from '../lib/ports/trainingJobs';
import type { WarmPoolCatalog } from '../lib/ports/warmPoolCatalog';
import { fixed, type Section, table, thousands } from './format';

/**
 * The sweep over many accounts and regions (lib/app/sweepAccounts.ts, the in-memory ports, a
 * SageMaker per account and region that answers at once): how its work grows with the number
 * of accounts, with no Available pool and with one per account and region. Counted at the
 * ports: ledger calls, SageMaker calls, spoke-role checks (an STS AssumeRole at most, cached by
 * the SDK for the credentials' life).
 */
const NOW = Date.parse('2026-03-02T12:00:00Z');
const RECONCILE_EVERY_MS = 15 * 60_000;
const HOME: JobLocation = { account: '100000000000', region: 'us-east-1' };
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

const placesOf = (accounts: number): JobLocation[] =>
  Array.from({ length: accounts }, (_, a) => String(100000000000 + a)).flatMap((account) =>
    REGIONS.map((region) => ({ account, region })),
  );

const addPool = async (ledger: MemoryLedger, place: JobLocation) => {
  const criteria = normaliseCriteria({
    roleArn: `arn:aws:iam::${place.account}:role/sagemaker-training`,
    instanceType: 'ml.g5.xlarge',
    instanceCount: 1,
    volumeSizeInGB: 30,
    volumeKmsKeyId: null,
    securityGroupIds: [],
    subnets: [],
    enableNetworkIsolation: false,
    enableInterContainerTrafficEncryption: false,
  });
  const name = jobRef('train', place, HOME);
  const written = await ledger.recordSnapshot({
    name,
    location: place,
    arn: `arn:aws:sagemaker:${place.region}:${place.account}:training-job/train`,
    status: 'Completed',
    lastModifiedMs: NOW - 120_000,
    createdAtMs: NOW - 900_000,
    endedAtMs: NOW - 120_000,
    criteria,
    matchKey: matchKey(
      criteria,
      place.account === HOME.account && place.region === HOME.region ? undefined : place,
    ),
    keepAliveSeconds: 3600,
    spot: false,
    heterogeneous: false,
    tags: { owner: 'alice', team: 'vision' },
    owner: 'alice',
    team: 'vision',
  });
  await ledger.observePool(written.record, {
    status: 'Available',
    keepAliveSeconds: 3600,
    availableSinceMs: NOW - 120_000,
    expiresAtMs: NOW + 3_480_000,
    bornAtMs: NOW - 120_000,
    poolId: name,
    // Last looked at 20 minutes ago: due for a describe (reconcile every 15)
    observedAtMs: NOW - 20 * 60_000,
  });
};

export interface AccountsRow {
  readonly accounts: number;
  readonly places: number;
  readonly availablePools: number;
  readonly ledgerCalls: number;
  readonly sageMakerCalls: number;
  readonly maxCallsPerPlace: number;
  readonly accessChecks: number;
  /** Member accounts and regions configured to be reconciled whatever the ledger holds. */
  readonly members: number;
  readonly scheduleClaims: number;
  readonly ms: number;
}

const measure = async (accounts: number, poolsPerPlace: 0 | 1, withMembers = false): Promise<AccountsRow> => {
  const places = placesOf(accounts);
  const members = withMembers
    ? places.filter((p) => p.account !== HOME.account || p.region !== HOME.region)
    : [];
  const memory = new MemoryLedger();
  if (poolsPerPlace) for (const place of places) await addPool(memory, place);
  let ledgerCalls = 0;
  const ledger = new Proxy(memory, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        ledgerCalls++;
        return value.apply(target, args);
      };
    },
  }) as Ledger;
  const callsByPlace = new Map<string, number>();
  const count = (place: JobLocation) => {
    const key = `${place.account}/${place.region}`;
    callsByPlace.set(key, (callsByPlace.get(key) ?? 0) + 1);
  };
  const jobsIn = (place: JobLocation): TrainingJobs => ({
    describe: async (name) => {
      count(place);
      return { name, status: 'Completed', instanceType: 'ml.g5.xlarge', keepAliveSeconds: 3600 };
    },
    setKeepAlive: async () => {
      count(place);
    },
  });
  let accessChecks = 0;
  // Each member's schedule already claimed in this period: nothing is due.
  let scheduleClaims = 0;
  const schedules = new Map<string, ReconcileSchedule>();
  for (const member of members) {
    const schedule = new MemoryReconcileSchedule();
    await schedule.claim(NOW - 60_000, RECONCILE_EVERY_MS, 'granted');
    schedules.set(locationLabel(member), {
      claim: (nowMs, everyMs, rule) => {
        scheduleClaims++;
        return schedule.claim(nowMs, everyMs, rule);
      },
      done: (startMs, outcome) => schedule.done(startMs, outcome),
    });
  }
  const catalogIn = (place: JobLocation): WarmPoolCatalog => ({
    availablePools: async () => {
      count(place);
      return { jobs: [], calls: 1 };
    },
    changedJobs: async () => {
      count(place);
      return { jobs: [], calls: 1 };
    },
    details: async () => undefined,
  });
  const started = performance.now();
  const report = await sweepAccounts({
    ledger,
    trainingJobs: new LocatedTrainingJobs(HOME, jobsIn(HOME), jobsIn),
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
    concurrency: 4,
    reconcileEveryMs: RECONCILE_EVERY_MS,
    scheduleEveryMs: 60_000,
    lookAheadMs: 5 * 60_000,
    remainingMs: () => 60_000,
    safetyMarginMs: 5_000,
    home: HOME,
    ...(members.length > 0
      ? {
          members,
          reconcilerFor: (place: JobLocation) => {
            const schedule = schedules.get(locationLabel(place));
            return schedule
              ? {
                  catalog: catalogIn(place),
                  schedule,
                  tagKeys: DEFAULT_OWNER_TAG_KEYS,
                  describeConcurrency: 4,
                  listWindowMs: 24 * 3_600_000,
                  fullReconcileEveryMs: 24 * 3_600_000,
                  home: HOME,
                }
              : undefined;
          },
        }
      : {}),
    access: {
      check: async () => {
        accessChecks++;
      },
    },
  });
  const ms = performance.now() - started;
  const perPlace = [...callsByPlace.values()];
  return {
    accounts,
    places: places.length,
    availablePools: report.availablePools,
    ledgerCalls,
    sageMakerCalls: perPlace.reduce((a, b) => a + b, 0),
    maxCallsPerPlace: perPlace.length > 0 ? Math.max(...perPlace) : 0,
    accessChecks,
    members: members.length,
    scheduleClaims,
    ms,
  };
};

export const ACCOUNT_COUNTS = [1, 10, 50] as const;

export const runSweepAccounts = async (): Promise<{ section: Section; rows: AccountsRow[] }> => {
  const rows: AccountsRow[] = [];
  for (const pools of [0, 1] as const)
    for (const accounts of ACCOUNT_COUNTS) rows.push(await measure(accounts, pools));
  for (const accounts of ACCOUNT_COUNTS) rows.push(await measure(accounts, 0, true));
  const body = table(
    [
      'accounts',
      'accounts x regions',
      'Available pools',
      'ledger calls',
      'SageMaker calls',
      'most SageMaker calls in one account+region',
      'account access checks',
      'configured members (none due)',
      'schedule claims',
      'sweep ms (MemoryLedger)',
    ],
    rows.map((r) => [
      thousands(r.accounts),
      thousands(r.places),
      thousands(r.availablePools),
      thousands(r.ledgerCalls),
      thousands(r.sageMakerCalls),
      thousands(r.maxCallsPerPlace),
      thousands(r.accessChecks),
      thousands(r.members),
      thousands(r.scheduleClaims),
      fixed(r.ms, 1),
    ]),
  );
  return { section: { title: 'sweep over many accounts', body }, rows };
};
