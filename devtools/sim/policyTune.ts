import { type Document, parseDocument } from 'yaml';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { formatDuration } from '../../lib/domain/policy/duration';
import type { Policy } from '../../lib/domain/policy/policy';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';
import type { TraceJob } from '../../lib/trace/traceJob';
import { type SimOptions, type SimPolicy, type SimResult, simulate } from './keepAliveSim';
import type { SimJob } from './simJobs';
import { type WhatifOptions, whatifJobs } from './whatif';

/**
 * `poolwarden policy tune`: searches the policy's own knobs on a history, with a split in time
 * (tune on the first part, report on the rest), and writes the policy file with the knobs found.
 * Only the `defaults` are tuned; rules are kept as written. The search is coordinate descent:
 * one knob at a time over its candidate values, keeping a change when it lowers the cost of the
 * training part, twice over.
 */
export interface Knob {
  /** Path in the policy document, e.g. ['defaults', 'keepAlive', 'strategy']. */
  readonly path: readonly string[];
  readonly values: readonly (string | number | boolean)[];
}

export const TUNED_KNOBS: readonly Knob[] = [
  {
    path: ['defaults', 'keepAlive', 'strategy'],
    values: ['adaptive', 'break-even', 'hybrid-histogram', 'fixed'],
  },
  { path: ['defaults', 'extend', 'when', 'predictedReuse'], values: [true, false] },
  { path: ['defaults', 'extend', 'step'], values: ['10m', '30m', '1h'] },
  { path: ['defaults', 'idle', 'insideWorkingHours'], values: ['off', '30m', '1h', '2h', '4h'] },
  { path: ['defaults', 'idle', 'outsideWorkingHours'], values: ['off', '15m', '30m', '1h', '2h'] },
  { path: ['defaults', 'keepAlive', 'minSamples'], values: [1, 2, 4, 8] },
];

export interface TuneRow {
  readonly label: string;
  readonly train: SimResult;
  readonly test: SimResult;
}

export interface TuneResult {
  readonly splitAtMs: number;
  readonly trainJobs: number;
  readonly testJobs: number;
  readonly waitingValuePerHourUsd: number;
  readonly changes: readonly string[];
  readonly rows: readonly TuneRow[];
  /** The tuned policy file's text: the base document with the knobs set, and the table as comments. */
  readonly text: string;
  /** The table and the changes, for people. */
  readonly summary: readonly string[];
  readonly policy: Policy;
}

const policyOf = (doc: Document, source: string): Policy => {
  const parsed = parsePolicy(doc.toString(), source);
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
  return parsed.policy;
};

const MIN_GAIN = 0.005;

const show = (value: unknown): string => (typeof value === 'number' ? formatDuration(value) : String(value));

export const tunePolicy = (
  trace: readonly TraceJob[],
  baseText: string,
  source: string,
  options: WhatifOptions & { readonly trainShare?: number },
): TuneResult => {
  const jobs = whatifJobs(trace, options);
  const first = jobs[0]?.submitAtMs ?? 0;
  const last = jobs[jobs.length - 1]?.submitAtMs ?? first;
  const splitAtMs = first + (last - first) * (options.trainShare ?? 0.7);
  const trainJobs = jobs.filter((j) => j.submitAtMs < splitAtMs);
  const sim: Partial<SimOptions> = {
    waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    jobKeepAliveSeconds: 'own',
    limits: options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS,
  };
  const asSim = (policy: Policy): SimPolicy => ({
    kind: 'sweep',
    setup: {
      policy,
      limits: options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS,
      killSwitch: false,
      prices: options.prices,
    },
  });
  const onTrain = (policy: SimPolicy) => simulate(trainJobs, policy, sim);
  const onTest = (policy: SimPolicy, all: readonly SimJob[] = jobs) =>
    simulate(all, policy, { ...sim, costFromMs: splitAtMs });

  const doc = parseDocument(baseText);
  const base = policyOf(doc, source);
  let best = onTrain(asSim(base)).totalUsd;
  const changes: string[] = [];
  for (let round = 0; round < 2; round++) {
    for (const knob of TUNED_KNOBS) {
      const before = doc.getIn(knob.path);
      let chosen: unknown = before;
      for (const value of knob.values) {
        doc.setIn(knob.path, value);
        const cost = onTrain(asSim(policyOf(doc, source))).totalUsd;
        // A change must pay for itself on the training part by more than noise (0.5 %).
        if (cost < best * (1 - MIN_GAIN)) {
          best = cost;
          chosen = value;
        }
      }
      if (chosen === undefined) doc.deleteIn(knob.path);
      else doc.setIn(knob.path, chosen);
      if (chosen !== before)
        changes.push(
          `${knob.path.join('.')}: ${before === undefined ? '(default)' : show(before)} -> ${show(chosen)}`,
        );
    }
  }
  const tuned = policyOf(doc, source);
  const rows: TuneRow[] = [
    { label: 'before (the given policy)', policy: asSim(base) },
    { label: 'after (tuned)', policy: asSim(tuned) },
    { label: 'no warm pool', policy: { kind: 'none' } as SimPolicy },
    { label: "jobs' own keep-alive", policy: { kind: 'fixed', seconds: 'own' } as SimPolicy },
    { label: 'fixed 10 min', policy: { kind: 'fixed', seconds: 600 } as SimPolicy },
    { label: 'fixed 30 min', policy: { kind: 'fixed', seconds: 1800 } as SimPolicy },
    { label: 'oracle', policy: { kind: 'oracle' } as SimPolicy },
  ].map(({ label, policy }) => ({ label, train: onTrain(policy), test: onTest(policy) }));

  const cell = (r: SimResult) => `$${r.totalUsd.toFixed(2)}`.padStart(11);
  const table = [
    `# ${'policy'.padEnd(26)} ${'train'.padStart(11)} ${'test'.padStart(11)}  test cold starts`,
    ...rows.map((r) => `# ${r.label.padEnd(26)} ${cell(r.train)} ${cell(r.test)}  ${r.test.coldStarts}`),
  ];
  const header = [
    '# Written by `poolwarden policy tune`. Check it with `poolwarden policy validate` before deploying.',
    `# Tuned on the jobs submitted before ${new Date(splitAtMs).toISOString()} (${trainJobs.length} jobs),`,
    `# reported on the ${jobs.length - trainJobs.length} jobs after (learning from the whole history), with a`,
    `# person's waiting valued at $${options.waitingValuePerHourUsd}/h and 122 s per cold start.`,
    `# Changes: ${changes.length > 0 ? changes.join('; ') : 'none (the given policy was already the best found)'}`,
    '#',
    ...table,
    '',
  ];
  return {
    splitAtMs,
    trainJobs: trainJobs.length,
    testJobs: jobs.length - trainJobs.length,
    waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    changes,
    rows,
    text: `${header.join('\n')}${doc.toString()}`,
    summary: header.filter((l) => l.length > 0).map((l) => l.replace(/^# ?/, '')),
    policy: tuned,
  };
};
