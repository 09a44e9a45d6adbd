/**
 * Development tool: how well the decision's learned P(a reuse within the window | idle so far)
 * predicts what came, at every decision of the built-in default on the TRAIN weeks
 * (bench/workloadSplit.ts). Each decision whose reason names P(reuse within W | idle a) counts as
 * a hit when a same-key job was submitted within W of that decision (no competition between
 * pools counted, so "came" is an upper bound of a reuse). At $0/h the window is the break-even
 * 122 s, which is what a keep at $0/h must bet on. Grouped by workload kind, idle time and P; with
 * BY=scope, decisions from 3 minutes idle on, by the scope the gaps were learned from and how many
 * gaps of its own it had (the rest of the weight is the broader scope's prior).
 * WAITS=0 [ONLY=b14,m11] [BY=scope] npx tsx bench/trainCalibration.ts ['{...}' learning]
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { type SimOptions, simulate } from '../devtools/sim/keepAliveSim';
import { whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_GAP_LEARNING } from '../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const wait = Number(process.env.WAITS ?? '0');
const only = process.env.ONLY?.split(',');
const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 };
const learning = { ...DEFAULT_GAP_LEARNING, ...(JSON.parse(process.argv[2] || '{}') as object) };
const predictedIn = /P\(reuse within (?:(\d+)m ?)?(?:(\d+)s)? \| idle [^)]*\) = ([0-9.]+)/;
const scopeIn = /from (this match key|owner|team|instance family|all pools)[^:]*: (\d+) gaps/;
const byScope = process.env.BY === 'scope';
/** The scope a decision learned from and its own gaps, bucketed ('prior': nothing learned). */
const scopeBucket = (reason: string) => {
  const m = scopeIn.exec(reason);
  if (!m) return 'built-in prior';
  const own = Number(m[2]);
  return `${m[1]} ${own < 10 ? '<10' : own < 30 ? '10-29' : '30+'} gaps`;
};
const idleBucket = (seconds: number) =>
  seconds === 0
    ? 'idle 0 (event)'
    : seconds < 60
      ? 'idle < 1 min'
      : seconds < 180
        ? 'idle 1-3 min'
        : 'idle 3+ min';

const groups = new Map<string, { n: number; predicted: number; came: number }>();
for (const week of TRAIN_WEEKS) {
  const kind = (week.workload ?? 'mixed')[0] as string;
  if (only && !only.includes(`${kind}${week.seed}`)) continue;
  const jobs = whatifJobs(generateTrace(week), {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: wait,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  });
  const keyOf = new Map(jobs.map((j) => [j.name, j.matchKey]));
  const submissions = new Map<string, number[]>();
  for (const j of jobs) submissions.set(j.matchKey, [...(submissions.get(j.matchKey) ?? []), j.submitAtMs]);
  const parsed = parsePolicy(
    JSON.stringify({ version: 1, defaults: { keepAlive: { waitingValuePerHour: wait } } }),
    'train',
  );
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
  const setup = { policy: parsed.policy, limits, killSwitch: false, prices: DEFAULT_PRICES };
  const sim: Partial<SimOptions> = {
    waitingValuePerHourUsd: wait,
    jobKeepAliveSeconds: 'own',
    limits,
    learning,
    // Every minute's decision, not only those that may differ from the last.
    skipInstants: false,
  };
  simulate(
    jobs,
    { kind: 'sweep', setup },
    {
      ...sim,
      onDecision: (d) => {
        const m = predictedIn.exec(d.reason);
        if (!m) return;
        const withinMs = (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000;
        const p = Number(m[3]);
        const came = (submissions.get(keyOf.get(d.job) ?? '') ?? []).some(
          (t) => t >= d.nowMs && t <= d.nowMs + withinMs,
        );
        if (byScope && d.idleSeconds < 180) return;
        const group = byScope ? scopeBucket(d.reason).padEnd(24) : idleBucket(d.idleSeconds).padEnd(15);
        const name = `${kind} ${group} P ${(Math.floor(p * 5) / 5).toFixed(1)}`;
        const g = groups.get(name) ?? { n: 0, predicted: 0, came: 0 };
        g.n++;
        g.predicted += p;
        if (came) g.came++;
        groups.set(name, g);
      },
    },
  );
}
console.log(
  `waiting $${wait}/h: predicted P(reuse within the window | idle) against a same-key job within it`,
);
for (const [name, g] of [...groups].sort()) {
  console.log(
    `${name}  decisions ${String(g.n).padStart(6)}  predicted ${(g.predicted / g.n).toFixed(3)}  came ${(g.came / g.n).toFixed(3)}`,
  );
}
