import { DEFAULT_PRICES } from '../lib/domain/prices';
import { generateTrace } from '../lib/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../lib/local/trace/teams';
import { parsePolicy } from '../lib/policy/parsePolicy';
import { simulate } from '../lib/sim/keepAliveSim';
import { whatifJobs } from '../lib/sim/whatif';
import { TRAIN_WEEKS } from './workloadSplit';

const week = TRAIN_WEEKS[Number(process.argv[2] ?? 4)]!;
const wait = Number(process.argv[3] ?? 0);
const trace = generateTrace(week);
const options = {
  prices: DEFAULT_PRICES,
  waitingValuePerHourUsd: wait,
  noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
};
const jobs = whatifJobs(trace, options);
const parsed = parsePolicy(
  JSON.stringify({ version: 1, defaults: { keepAlive: { waitingValuePerHour: wait } } }),
  'x',
);
if (!parsed.ok) throw new Error('bad');
const reasons = new Map<string, number>();
const firstReason = new Map<string, string>();
const r = simulate(
  jobs,
  {
    kind: 'sweep',
    setup: {
      policy: parsed.policy,
      limits: { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 },
      killSwitch: false,
      prices: DEFAULT_PRICES,
    },
  },
  {
    waitingValuePerHourUsd: wait,
    jobKeepAliveSeconds: 'own',
    onDecision: (d) => {
      const k = `${d.action}/${d.cause}`;
      reasons.set(k, (reasons.get(k) ?? 0) + 1);
      if (d.idleSeconds === 0 && d.action !== 'stop' && !firstReason.has(d.pool))
        firstReason.set(d.pool, d.reason);
    },
  },
);
const o = simulate(jobs, { kind: 'oracle' }, { waitingValuePerHourUsd: wait, jobKeepAliveSeconds: 'own' });
const n = simulate(jobs, { kind: 'none' }, { waitingValuePerHourUsd: wait, jobKeepAliveSeconds: 'own' });
console.log(
  'policy',
  r.totalUsd.toFixed(1),
  'idle',
  r.idleUsd.toFixed(1),
  'cold',
  r.coldStarts,
  '| oracle',
  o.totalUsd.toFixed(1),
  o.idleUsd.toFixed(1),
  o.coldStarts,
  '| none',
  n.totalUsd.toFixed(1),
);
console.log(reasons);
console.log([...firstReason.values()].slice(0, 8).join('\n'));
