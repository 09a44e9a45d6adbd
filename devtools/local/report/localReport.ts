import { COLD_START_PENALTY_SECONDS, CostMeter } from '../../../lib/domain/costModel';
import { type JobLocation, parseJobRef } from '../../../lib/domain/jobLocation';
import type { JobRecord } from '../../../lib/domain/jobRecord';
import { assembleChains, poolView } from '../../../lib/domain/poolChain';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../../../lib/domain/prices';
import { isPresumedTaken } from '../../../lib/domain/reusePresumption';
import type { DecisionRecord } from '../../../lib/ports/decisionLog';
import type { JobInspection, PoolInspection } from '../sagemaker/inspection';
import type { BaselineOutcome } from './baseline';

export type LocalAction = DecisionRecord;

export interface LocalNotification {
  readonly atMs: number;
  readonly job: string;
  readonly kind: string;
  readonly channel: string;
  readonly to: string;
  readonly text: string;
}

/** The `--json` document of `poolwarden local`; its schema is documented in the README. */
export interface LocalReport {
  readonly jobs: ReadonlyArray<{
    /** The SageMaker job name: unique within its account and region. */
    readonly name: string;
    readonly account: string;
    readonly region: string;
    readonly status: string;
    readonly reusedPoolOf: string | null;
    readonly startupSeconds: number | null;
    readonly warmStart: boolean;
  }>;
  readonly pools: ReadonlyArray<{
    readonly poolId: string;
    readonly account: string;
    readonly region: string;
    readonly jobs: readonly string[];
    readonly status: string;
    readonly reuseCount: number;
    readonly idleBillableSeconds: number;
    readonly idleCostUsd: number;
    readonly endedBy: string | null;
    readonly instanceType: string | null;
    readonly instanceCount: number | null;
    readonly owner: string | null;
    readonly team: string | null;
  }>;
  readonly actions: readonly LocalAction[];
  readonly notifications: readonly LocalNotification[];
  readonly summary: {
    readonly jobs: number;
    readonly reuses: number;
    readonly coldStarts: number;
    readonly idleBillableSeconds: number;
    readonly idleCostUsd: number;
    readonly startupSecondsSaved: number;
    readonly nearMisses: number;
    readonly keepAliveWithoutPool: number;
    readonly actions: number;
    readonly notifications: number;
    /** The same trace with every job's own keep-alive and nothing acting on the pools. */
    readonly withoutPoolwarden: BaselineOutcome;
    /** Idle cost avoided against that baseline (negative: poolwarden's extensions cost more). */
    readonly idleCostSavedUsd: number;
    /** Cold starts added (positive) or avoided (negative) against that baseline. */
    readonly extraColdStarts: number;
    /** The run priced by the cost model (lib/domain/costModel.ts), as `poolwarden whatif` prices it. */
    readonly cost: {
      readonly waitingValuePerHourUsd: number;
      readonly coldStartPenaltySeconds: number;
      readonly idleUsd: number;
      readonly coldStartUsd: number;
      readonly waitingUsd: number;
      readonly totalUsd: number;
    };
  };
  readonly delivery: DeliveryStats;
  /** Calls counted at the emulators, by service and operation (the local stack's own setup left out). */
  readonly api: ApiCalls;
  /** poolwarden's ledger against the emulator's ground truth: the same reuses, job by job. */
  readonly check: { readonly ledgerMatchesEmulator: boolean; readonly mismatches: readonly string[] };
}

export interface DeliveryStats {
  readonly eventsPublished: number;
  readonly deliveries: number;
  readonly extraCopies: number;
  readonly rejected: number;
  readonly stale: number;
  readonly deadLettered: number;
  readonly sweeps: number;
  /** Scheduled sweeps that failed (a crash): their work waits for the next one. */
  readonly sweepsFailed: number;
  /** Injected faults (`--drop`, `--crash`, `--throttle`). */
  readonly dropped: number;
  readonly crashed: number;
  readonly throttled: number;
}

export interface ApiCalls {
  readonly sagemaker: Readonly<Record<string, number>>;
  readonly dynamodb: Readonly<Record<string, number>>;
  /** EventBridge Scheduler: the sweep's wakes asked for (CreateSchedule), repeats included. */
  readonly scheduler?: Readonly<Record<string, number>>;
}

export interface ReportInputs {
  /** The local stack's own account and region: names elsewhere are `<account>/<region>/<name>`. */
  readonly home: JobLocation;
  /** The trace's jobs as the ledger names them (jobRef). */
  readonly jobNames: readonly string[];
  readonly records: readonly JobRecord[];
  readonly emulatorJobs: readonly JobInspection[];
  readonly emulatorPools: readonly PoolInspection[];
  readonly coldStartupSeconds: number;
  readonly prices: PriceTable;
  readonly actions: readonly LocalAction[];
  readonly notifications: readonly LocalNotification[];
  readonly baseline: BaselineOutcome;
  readonly delivery: DeliveryStats;
  /** The policy's waiting value: the summary's cost charges it per cold start. */
  readonly waitingValuePerHourUsd: number;
  readonly api: ApiCalls;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export const buildLocalReport = (inputs: ReportInputs): LocalReport => {
  const records = new Map(inputs.records.map((r) => [r.name, r]));
  const truth = new Map(inputs.emulatorJobs.map((j) => [j.name, j]));

  // Reuse never crosses accounts or regions: a pool's jobs are named bare beside their location.
  const bare = (ref: string) => parseJobRef(ref, inputs.home).name;
  const jobs = inputs.jobNames.map((name) => {
    const record = records.get(name);
    const real = truth.get(name);
    const where = parseJobRef(name, inputs.home);
    return {
      name: where.name,
      ...where.location,
      status: record?.job?.status ?? real?.status ?? 'Unknown',
      reusedPoolOf: record?.reusedPoolOf ? bare(record.reusedPoolOf) : null,
      startupSeconds: real?.startedAtMs !== undefined ? real.startupSeconds : null,
      warmStart: real?.warmStart ?? false,
    };
  });

  const pools = assembleChains(inputs.records).map((chain) => {
    const view = poolView(chain);
    const where = parseJobRef(view.poolId, inputs.home);
    const price = view.instanceType
      ? hourlyPrice(inputs.prices, view.instanceType, where.location.region)
      : undefined;
    return {
      poolId: where.name,
      ...where.location,
      jobs: view.jobs.map(bare),
      status: view.status,
      reuseCount: view.reuseCount,
      idleBillableSeconds: view.idleBillableSeconds,
      idleCostUsd: round2(instanceCostUsd(view.idleBillableSeconds, view.instanceCount ?? 1, price ?? 0)),
      endedBy: view.endedBy ?? null,
      instanceType: view.instanceType ?? null,
      instanceCount: view.instanceCount ?? null,
      owner: view.owner ?? null,
      team: view.team ?? null,
    };
  });

  const mismatches: string[] = [];
  for (const name of inputs.jobNames) {
    const recorded = records.get(name)?.reusedPoolOf;
    const actual = truth.get(name)?.reusedPoolOf;
    if (recorded !== actual) {
      mismatches.push(
        `${name}: ledger says it reused ${recorded ?? 'nothing'}, SageMaker says ${actual ?? 'nothing'}`,
      );
    }
  }
  // A presumed reuse (lib/domain/reusePresumption.ts) counts as the ledger's word only once a
  // reconcile confirmed it: the run's last sweep must have settled every one.
  for (const record of inputs.records) {
    if (isPresumedTaken(record))
      mismatches.push(
        `${record.name}: still presumed taken by ${record.pool?.presumedTakenBy}, never confirmed`,
      );
  }
  // Every action is recorded as an intent before SageMaker is asked: one left at the end was
  // never finished, so whatever SageMaker did with it is missing from the audit.
  for (const record of inputs.records) {
    const intent = record.pendingAction;
    if (intent)
      mismatches.push(
        `${record.name}: its ${intent.action} by ${intent.actor} was never finished (no outcome in the audit)`,
      );
  }
  const ledgerIdle = pools.reduce((sum, p) => sum + p.idleBillableSeconds, 0);
  const actualIdle = inputs.emulatorPools.reduce((sum, p) => sum + p.idleBillableSeconds, 0);
  if (ledgerIdle !== actualIdle) {
    mismatches.push(`idle billable seconds: ledger ${ledgerIdle}, SageMaker ${actualIdle}`);
  }

  const warmJobs = jobs.filter((j) => j.warmStart && j.startupSeconds !== null);
  const started = jobs.filter((j) => j.startupSeconds !== null);
  const coldStarts = started.length - warmJobs.length;
  // Summed before rounding, as the baseline is: rounding each pool first would make up a saving.
  const idleCostUsd = round2(
    pools.reduce(
      (sum, p) =>
        sum +
        instanceCostUsd(
          p.idleBillableSeconds,
          p.instanceCount ?? 1,
          (p.instanceType ? hourlyPrice(inputs.prices, p.instanceType, p.region) : undefined) ?? 0,
        ),
      0,
    ),
  );
  const meter = new CostMeter(inputs.waitingValuePerHourUsd, COLD_START_PENALTY_SECONDS);
  for (const pool of pools) {
    const price = pool.instanceType ? hourlyPrice(inputs.prices, pool.instanceType) : undefined;
    meter.idle(pool.idleBillableSeconds, pool.instanceCount ?? 1, price ?? 0);
  }
  for (const job of jobs) {
    const real = truth.get(job.name);
    if (!real || job.warmStart) continue;
    meter.coldStart(real.instanceCount, hourlyPrice(inputs.prices, real.instanceType) ?? 0);
  }
  const cost = meter.breakdown();
  return {
    jobs,
    pools,
    actions: inputs.actions,
    notifications: inputs.notifications,
    summary: {
      jobs: jobs.length,
      reuses: pools.reduce((sum, p) => sum + p.reuseCount, 0),
      coldStarts,
      idleBillableSeconds: ledgerIdle,
      idleCostUsd,
      startupSecondsSaved: warmJobs.reduce(
        (sum, j) => sum + (inputs.coldStartupSeconds - (j.startupSeconds ?? 0)),
        0,
      ),
      nearMisses: inputs.records.filter((r) => r.nearMiss).length,
      keepAliveWithoutPool: inputs.records.filter((r) => r.noPool).length,
      actions: inputs.actions.length,
      notifications: inputs.notifications.length,
      withoutPoolwarden: inputs.baseline,
      // `+ 0` turns a -0 into 0.
      idleCostSavedUsd: round2(inputs.baseline.idleCostUsd - idleCostUsd) + 0,
      extraColdStarts: coldStarts - inputs.baseline.coldStarts,
      cost: {
        waitingValuePerHourUsd: inputs.waitingValuePerHourUsd,
        coldStartPenaltySeconds: COLD_START_PENALTY_SECONDS,
        idleUsd: round2(cost.idleUsd),
        coldStartUsd: round2(cost.coldStartUsd),
        waitingUsd: round2(cost.waitingUsd),
        totalUsd: round2(cost.totalUsd),
      },
    },
    delivery: inputs.delivery,
    api: inputs.api,
    check: { ledgerMatchesEmulator: mismatches.length === 0, mismatches },
  };
};
