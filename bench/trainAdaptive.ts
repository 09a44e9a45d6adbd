/**
 * Development tool: the adaptive policy (built-in default, at each waiting value) on the TRAIN
 * weeks only, as ratios to the oracle; "!" marks a week where it costs more than no warm pool.
 * npx tsx bench/trainAdaptive.ts ['{"keepAlive":{...}}' policy defaults as JSON]
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { simulate } from '../devtools/sim/keepAliveSim';
import { whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_POLICY } from '../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const defaults = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const out: string[] = [];
const ratios: number[] = [];
for (const week of TRAIN_WEEKS) {
  const trace = generateTrace(week);
  for (const wait of [0, 60, 90]) {
    const options = {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: wait,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    };
    const jobs = whatifJobs(trace, options);
    const sim = { waitingValuePerHourUsd: wait, jobKeepAliveSeconds: 'own' as const };
    const keepAlive = {
      waitingValuePerHour: wait,
      ...((defaults.keepAlive as object) ?? {}),
    };
    const parsed = parsePolicy(JSON.stringify({ version: 1, defaults: { ...defaults, keepAlive } }), 'train');
    if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
    const setup = {
      policy: parsed.policy,
      limits: { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 },
      killSwitch: false,
      prices: DEFAULT_PRICES,
    };
    const r = simulate(jobs, { kind: 'sweep', setup }, sim);
    const o = simulate(jobs, { kind: 'oracle' }, sim);
    const n = simulate(jobs, { kind: 'none' }, sim);
    ratios.push(r.totalUsd / o.totalUsd);
    out.push(
      `${(week.workload ?? 'mixed')[0]}${week.seed}$${wait}:${(r.totalUsd / o.totalUsd).toFixed(2)}${r.totalUsd > n.totalUsd ? '!' : ''}`,
    );
  }
}
void DEFAULT_POLICY;
console.log(
  process.argv[2] ?? '',
  'mean',
  (ratios.reduce((a, b) => a + b) / ratios.length).toFixed(3),
  'max',
  Math.max(...ratios).toFixed(2),
  out.join(' '),
);
