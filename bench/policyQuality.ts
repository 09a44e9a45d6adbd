import { performance } from 'node:perf_hooks';
import { DEFAULT_STARTUP_SECONDS } from '../devtools/local/sagemaker/emulatorOptions';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import type { Workload } from '../devtools/local/trace/workloads';
import { type SimPolicy, type SimResult, simulate } from '../devtools/sim/keepAliveSim';
import { prepareJobs, type SimJob } from '../devtools/sim/simJobs';
import { simPolicy } from '../devtools/sim/simPolicy';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../lib/domain/keepAlive';
import type { StrategyName } from '../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { fixed, type Section, table } from './format';

/** Section 1: what each keep-alive policy costs on generated workloads, against the offline oracle. */

export interface PolicyRow {
  readonly label: string;
  readonly result: SimResult;
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly waitingValuePerHourUsd: number;
  readonly jobs: number;
  readonly matchKeys: number;
  readonly rows: readonly PolicyRow[];
  readonly seconds: number;
}

export const POLICY_WORKLOADS: readonly Workload[] = ['interactive', 'sweeps', 'nightly', 'bursty', 'mixed'];
export const WAITING_VALUES = [0, 60] as const;
const TRACE = { seed: 2026, start: '2026-01-05T00:00:00Z', days: 14 } as const;
const EXTRA_COLD_SECONDS = DEFAULT_STARTUP_SECONDS.cold - DEFAULT_STARTUP_SECONDS.warm;

const learned = (strategy: StrategyName, waiting: number): SimPolicy => ({
  kind: 'sweep',
  setup: {
    policy: simPolicy({ strategy, coldStartSeconds: EXTRA_COLD_SECONDS, waitingValuePerHourUsd: waiting }),
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    killSwitch: false,
    prices: DEFAULT_PRICES,
  },
});

export const POLICIES = (waiting: number): readonly { label: string; policy: SimPolicy }[] => [
  { label: 'no warm pool', policy: { kind: 'none' } },
  { label: 'fixed 10 min', policy: { kind: 'fixed', seconds: 600 } },
  { label: 'fixed 30 min', policy: { kind: 'fixed', seconds: 1800 } },
  { label: 'fixed 60 min', policy: { kind: 'fixed', seconds: 3600 } },
  { label: 'break-even', policy: learned('break-even', waiting) },
  { label: 'hybrid histogram', policy: learned('hybrid-histogram', waiting) },
  { label: 'poolwarden adaptive', policy: learned('adaptive', waiting) },
  {
    label: 'adaptive, exact timing',
    policy: {
      kind: 'advice',
      settings: simPolicy({
        strategy: 'adaptive',
        coldStartSeconds: EXTRA_COLD_SECONDS,
        waitingValuePerHourUsd: waiting,
      }).defaults.keepAlive,
      prices: DEFAULT_PRICES,
    },
  },
  { label: 'oracle', policy: { kind: 'oracle' } },
];

/** The old learning, for comparison: a stopped pool recorded as a gap censored at its stop. */
export const PROPOSED = 'adaptive, old learning (censored at the stop)';

export const traceJobs = (workload: Workload): SimJob[] =>
  prepareJobs(generateTrace({ ...TRACE, workload }), {
    prices: DEFAULT_PRICES,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  });

export const runWorkload = (workload: Workload, waiting: number, jobs: readonly SimJob[]): WorkloadResult => {
  const started = performance.now();
  const policies = POLICIES(waiting);
  const rows = policies.map(({ label, policy }) => ({
    label,
    result: simulate(jobs, policy, { waitingValuePerHourUsd: waiting }),
  }));
  const adaptive = policies.find((p) => p.label === 'poolwarden adaptive')?.policy;
  if (adaptive) {
    rows.splice(rows.length - 1, 0, {
      label: PROPOSED,
      result: simulate(jobs, adaptive, { waitingValuePerHourUsd: waiting, learnMissedReuses: false }),
    });
  }
  return {
    workload,
    waitingValuePerHourUsd: waiting,
    jobs: jobs.length,
    matchKeys: new Set(jobs.map((j) => j.matchKey)).size,
    rows,
    seconds: (performance.now() - started) / 1000,
  };
};

const row = (results: WorkloadResult, label: string): SimResult | undefined =>
  results.rows.find((r) => r.label === label)?.result;

export interface PolicyGoals {
  readonly workload: Workload;
  readonly waiting: number;
  readonly ratio: number;
  readonly bestFixedLabel: string;
  readonly bestFixedUsd: number;
  readonly adaptiveUsd: number;
  readonly withinRatio: boolean;
  readonly belowBestFixed: boolean;
}

export const goalsOf = (results: WorkloadResult): PolicyGoals => {
  const oracle = row(results, 'oracle')?.totalUsd ?? Number.NaN;
  const adaptive = row(results, 'poolwarden adaptive')?.totalUsd ?? Number.NaN;
  const fixedRows = results.rows.filter((r) => r.label.startsWith('fixed'));
  const best = fixedRows.reduce((a, b) => (b.result.totalUsd < a.result.totalUsd ? b : a));
  return {
    workload: results.workload,
    waiting: results.waitingValuePerHourUsd,
    ratio: adaptive / oracle,
    bestFixedLabel: best.label,
    bestFixedUsd: best.result.totalUsd,
    adaptiveUsd: adaptive,
    withinRatio: adaptive / oracle <= 1.25,
    belowBestFixed: adaptive < best.result.totalUsd,
  };
};

export const policyTable = (results: WorkloadResult): string => {
  const oracle = row(results, 'oracle')?.totalUsd ?? Number.NaN;
  return table(
    [
      'policy',
      'total $',
      '× oracle',
      'idle $',
      'cold-start $',
      'waiting $',
      'reuse rate',
      'cold starts',
      'updates',
    ],
    results.rows.map(({ label, result }) => [
      label,
      fixed(result.totalUsd, 2),
      fixed(result.totalUsd / oracle, 2),
      fixed(result.idleUsd, 2),
      fixed(result.coldStartUsd, 2),
      fixed(result.waitingUsd, 2),
      `${fixed((100 * result.warmStarts) / Math.max(1, result.jobs), 1)} %`,
      String(result.coldStarts),
      String(result.updates),
    ]),
  );
};

export const runPolicyQuality = (): { section: Section; goals: PolicyGoals[] } => {
  const all: WorkloadResult[] = [];
  for (const workload of POLICY_WORKLOADS) {
    const jobs = traceJobs(workload);
    for (const waiting of WAITING_VALUES) all.push(runWorkload(workload, waiting, jobs));
  }
  const goals = all.map(goalsOf);
  return { section: { title: 'policy', body: all.map((r) => policyTable(r)).join('\n\n') }, goals };
};
