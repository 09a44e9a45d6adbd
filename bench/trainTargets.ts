/**
 * Development tool: the issue's four targets, on the TRAIN weeks only (bench/workloadSplit.ts),
 * for the built-in default policy at each waiting value, optionally with other policy defaults
 * and other learning options. What changes to the learner or the decision were chosen on.
 * npx tsx bench/trainTargets.ts ['{"keepAlive":{...}}' policy defaults] ['{"halfLifeSeconds":...}' learning]
 * SKIP=0 replays minute by minute: for trying a decision whose decisionHoldsUntilMs is not exact yet.
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { type SimOptions, type SimResult, simulate } from '../devtools/sim/keepAliveSim';
import { whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_GAP_LEARNING } from '../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const defaults = JSON.parse(process.argv[2] || '{}') as Record<string, unknown>;
const learning = { ...DEFAULT_GAP_LEARNING, ...(JSON.parse(process.argv[3] || '{}') as object) };
const waits = (process.env.WAITS ?? '0,60,90').split(',').map(Number);
const only = process.env.ONLY?.split(',');

const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 };
let misses = 0;
const signedUsd = (usd: number) => `${usd < 0 ? '-' : '+'}$${Math.abs(usd).toFixed(2)}`;
/** Per waiting value: the policy's total less "no warm pool", summed over the weeks. */
const overNone = new Map<number, number>();
const byWait = new Map<number, number[]>();
const lines: string[] = [];
for (const week of TRAIN_WEEKS) {
  const name = `${(week.workload ?? 'mixed')[0]}${week.seed}`;
  if (only && !only.includes(name)) continue;
  const trace = generateTrace(week);
  for (const wait of waits) {
    const jobs = whatifJobs(trace, {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: wait,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    });
    const sim: Partial<SimOptions> = {
      waitingValuePerHourUsd: wait,
      jobKeepAliveSeconds: 'own',
      limits,
      learning,
      ...(process.env.SKIP === '0' ? { skipInstants: false } : {}),
    };
    const keepAlive = { waitingValuePerHour: wait, ...((defaults.keepAlive as object) ?? {}) };
    const parsed = parsePolicy(JSON.stringify({ version: 1, defaults: { ...defaults, keepAlive } }), 'train');
    if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
    const setup = { policy: parsed.policy, limits, killSwitch: false, prices: DEFAULT_PRICES };
    const run = (p: Parameters<typeof simulate>[1]): SimResult => simulate(jobs, p, sim);
    const r = run({ kind: 'sweep', setup });
    const oracle = run({ kind: 'oracle' }).totalUsd;
    const none = run({ kind: 'none' }).totalUsd;
    const own = run({ kind: 'fixed', seconds: 'own' });
    const bestFixed = Math.min(...[600, 1800, 3600].map((s) => run({ kind: 'fixed', seconds: s }).totalUsd));
    const ratio = r.totalUsd / oracle;
    const cold = r.coldStarts / own.coldStarts - 1;
    const miss = [
      ratio > 1.25 ? 'ORACLE' : '',
      r.totalUsd >= bestFixed ? 'FIXED' : '',
      r.totalUsd >= none ? 'NONE' : '',
      wait >= 60 && cold > 0.05 ? 'COLD' : '',
    ].filter(Boolean);
    misses += miss.length;
    byWait.set(wait, [...(byWait.get(wait) ?? []), ratio]);
    overNone.set(wait, (overNone.get(wait) ?? 0) + r.totalUsd - none);
    lines.push(
      `${`${name}$${wait}`.padEnd(8)} ×or ${ratio.toFixed(3)} /fix ${(r.totalUsd / bestFixed).toFixed(2)} /none ${(r.totalUsd / none).toFixed(3)} (${signedUsd(r.totalUsd - none)}) cold ${(cold * 100).toFixed(1).padStart(5)}% idle ${r.idleUsd.toFixed(0).padStart(5)} ${miss.join(' ')}`,
    );
  }
}
if (process.env.QUIET === undefined) console.log(lines.join('\n'));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
console.log(
  `${process.argv[2] || '{}'} ${process.argv[3] || '{}'} misses ${misses} ${[...byWait]
    .map(
      ([w, v]) =>
        `$${w}: mean ${mean(v).toFixed(4)} max ${Math.max(...v).toFixed(3)} vs none ${signedUsd(overNone.get(w) ?? 0)}`,
    )
    .join(' | ')}`,
);
