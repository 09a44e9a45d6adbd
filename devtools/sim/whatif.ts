import { performance } from 'node:perf_hooks';
import { COLD_START_PENALTY_SECONDS } from '../../lib/domain/costModel';
import { DEFAULT_KEEP_ALIVE_LIMITS, type KeepAliveLimits } from '../../lib/domain/keepAlive';
import type { Policy, StrategyName } from '../../lib/domain/policy/policy';
import type { PriceTable } from '../../lib/domain/prices';
import type { TraceJob } from '../../lib/trace/traceJob';
import { type SimOptions, type SimPolicy, type SimResult, simulate } from './keepAliveSim';
import { prepareJobs, type SimJob } from './simJobs';
import { simPolicy } from './simPolicy';

/**
 * What-if: a trace replayed in memory under each given policy (through the production decision
 * code, evaluatePool) and under the baselines, priced by the one cost model. The trace's own
 * reality is kept: a job that asked for no keep-alive leaves no pool, nor does one on an instance
 * type without warm-pool quota; under a policy each job first asks for its own keep-alive, which
 * the policy may then shorten or extend.
 */
export interface WhatifPolicy {
  readonly label: string;
  readonly policy: Policy;
}

export interface WhatifOptions {
  readonly prices: PriceTable;
  /** The waiting value the table charges per cold start (USD per hour of a waiting person). */
  readonly waitingValuePerHourUsd: number;
  /** Instance types without warm-pool quota. */
  readonly noQuotaTypes: readonly string[];
  readonly limits?: KeepAliveLimits;
  /** Skip the baselines (tuning runs many policies on one trace). */
  readonly policiesOnly?: boolean;
}

export interface WhatifRow {
  readonly label: string;
  readonly kind: 'policy' | 'baseline' | 'oracle';
  readonly result: SimResult;
  /** totalUsd ÷ the oracle's (NaN without the oracle row). */
  readonly timesOracle: number;
}

export interface WhatifReport {
  readonly jobs: number;
  readonly jobsWithoutPool: { readonly noKeepAlive: number; readonly noQuota: number };
  readonly waitingValuePerHourUsd: number;
  readonly coldStartPenaltySeconds: number;
  readonly rows: readonly WhatifRow[];
  readonly seconds: number;
  /** What was assumed, in words, for the output. */
  readonly assumptions: readonly string[];
}

export const whatifJobs = (trace: readonly TraceJob[], options: WhatifOptions): SimJob[] =>
  prepareJobs(trace, {
    prices: options.prices,
    noQuotaTypes: options.noQuotaTypes,
    honourOwnKeepAlive: true,
  });

const strategyBaseline = (strategy: StrategyName, options: WhatifOptions): SimPolicy => ({
  kind: 'sweep',
  setup: {
    policy: simPolicy({
      strategy,
      coldStartSeconds: COLD_START_PENALTY_SECONDS,
      waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    }),
    limits: options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS,
    killSwitch: false,
    prices: options.prices,
  },
});

/** One row of the table to compute: a policy or baseline, and how the simulation runs it. */
export interface WhatifRun {
  readonly label: string;
  readonly kind: WhatifRow['kind'];
  readonly policy: SimPolicy;
}

/** The simulation's options for a whatif table (plain data: a worker thread can take them). */
export const whatifSimOptions = (options: WhatifOptions): Partial<SimOptions> => ({
  waitingValuePerHourUsd: options.waitingValuePerHourUsd,
  jobKeepAliveSeconds: 'own',
  limits: options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS,
});

/** The rows of the table, in its order: the given policies, then the baselines and the oracle. */
export const whatifRuns = (policies: readonly WhatifPolicy[], options: WhatifOptions): WhatifRun[] => {
  const limits = options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS;
  const runs: WhatifRun[] = policies.map((p) => ({
    label: p.label,
    kind: 'policy',
    policy: { kind: 'sweep', setup: { policy: p.policy, limits, killSwitch: false, prices: options.prices } },
  }));
  if (!options.policiesOnly) {
    runs.push(
      { label: 'no warm pool', kind: 'baseline', policy: { kind: 'none' } },
      { label: "jobs' own keep-alive", kind: 'baseline', policy: { kind: 'fixed', seconds: 'own' } },
      { label: 'fixed 10 min', kind: 'baseline', policy: { kind: 'fixed', seconds: 600 } },
      { label: 'fixed 30 min', kind: 'baseline', policy: { kind: 'fixed', seconds: 1800 } },
      { label: 'fixed 60 min', kind: 'baseline', policy: { kind: 'fixed', seconds: 3600 } },
      { label: 'break-even', kind: 'baseline', policy: strategyBaseline('break-even', options) },
      { label: 'hybrid histogram', kind: 'baseline', policy: strategyBaseline('hybrid-histogram', options) },
      { label: 'oracle', kind: 'oracle', policy: { kind: 'oracle' } },
    );
  }
  return runs;
};

/** The report from each run's result (in the order of whatifRuns) and the time they took. */
export const whatifReport = (
  jobs: readonly SimJob[],
  results: readonly (WhatifRun & { readonly result: SimResult })[],
  options: WhatifOptions,
  seconds: number,
): WhatifReport => {
  const oracle = results.find((r) => r.kind === 'oracle')?.result.totalUsd ?? Number.NaN;
  const noQuotaTypes = new Set(options.noQuotaTypes);
  const noQuota = jobs.filter((j) => noQuotaTypes.has(j.instanceType)).length;
  const noKeepAlive = jobs.filter((j) => j.keepAliveSeconds <= 0 && !noQuotaTypes.has(j.instanceType)).length;
  return {
    jobs: jobs.length,
    jobsWithoutPool: { noKeepAlive, noQuota },
    waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    coldStartPenaltySeconds: COLD_START_PENALTY_SECONDS,
    rows: results.map((r) => ({
      label: r.label,
      kind: r.kind,
      result: r.result,
      timesOracle: r.result.totalUsd / oracle,
    })),
    seconds,
    assumptions: [
      `a cold start takes ${COLD_START_PENALTY_SECONDS} s longer than a warm one (143 s against 21 s, P90)`,
      `${noKeepAlive} jobs asked for no keep-alive and ${noQuota} ran on instance types without warm-pool quota (${[...noQuotaTypes].join(', ') || 'none'}): they leave no pool under any policy`,
      'under a policy each job first asks for its own keep-alive; the policy runs when the pool becomes Available and every minute after, as the sweep does; fixed N min: every job that asks for a keep-alive asks for N',
      'a job takes the matching Available pool that expires soonest, as SageMaker does in the local emulator; the oracle knows every next submission',
    ],
  };
};

/** The table, each run after the other in this thread (see whatifThreads.ts for several at once). */
export const runWhatif = (
  jobs: readonly SimJob[],
  policies: readonly WhatifPolicy[],
  options: WhatifOptions,
): WhatifReport => {
  const started = performance.now();
  const sim = whatifSimOptions(options);
  const results = whatifRuns(policies, options).map((run) => ({
    ...run,
    result: simulate(jobs, run.policy, sim),
  }));
  return whatifReport(jobs, results, options, (performance.now() - started) / 1000);
};
