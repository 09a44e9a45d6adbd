/**
 * Development tool: where the built-in default policy's idle money goes on the TRAIN weeks
 * (bench/workloadSplit.ts), pool hop by pool hop: which branch took the first decision (nothing
 * learned, a stop, a keep learned from which scope), what the hop cost idle, whether it was reused.
 * WAITS=0 npx tsx bench/trainIdle.ts ['{"keepAlive":{...}}' policy defaults] ['{...}' learning]
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { simulate } from '../devtools/sim/keepAliveSim';
import { whatifJobs } from '../devtools/sim/whatif';
import { COLD_START_PENALTY_SECONDS } from '../lib/domain/costModel';
import { DEFAULT_GAP_LEARNING } from '../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const defaults = JSON.parse(process.argv[2] || '{}') as Record<string, unknown>;
const learning = { ...DEFAULT_GAP_LEARNING, ...(JSON.parse(process.argv[3] || '{}') as object) };
const waits = (process.env.WAITS ?? '0').split(',').map(Number);
const only = process.env.ONLY?.split(',');
const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 };

interface Hop {
  readonly branch: string;
  readonly availableSinceMs: number;
  readonly usdPerSecond: number;
  readonly week: string;
  readonly first: string;
  endMs?: number;
  reused: boolean;
}

const branchOf = (reason: string, action: string): string => {
  // Break-even while nothing was learned (before the built-in prior), or the prior alone.
  if (/gaps < \d+ needed|from the built-in prior/.test(reason)) return 'nothing learned';
  const scope = /from (this match key|owner|team|family|all pools)/.exec(reason)?.[1] ?? 'other';
  return `${action === 'stop' ? 'stop' : 'keep'} on ${scope}`;
};

for (const wait of waits) {
  const byBranch = new Map<
    string,
    { hops: number; reused: number; idleUsd: number; savedUsd: number; open: number }
  >();
  const worst: Hop[] = [];
  const byWeek = new Map<string, { idleUsd: number; savedUsd: number }>();
  for (const week of TRAIN_WEEKS) {
    const name = `${(week.workload ?? 'mixed')[0]}${week.seed}`;
    if (only && !only.includes(name)) continue;
    const trace = generateTrace(week);
    const jobs = whatifJobs(trace, {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: wait,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    });
    const rate = new Map(jobs.map((j) => [j.name, (j.pricePerInstanceHourUsd * j.instanceCount) / 3600]));
    const keepAlive = { waitingValuePerHour: wait, ...((defaults.keepAlive as object) ?? {}) };
    const parsed = parsePolicy(JSON.stringify({ version: 1, defaults: { ...defaults, keepAlive } }), 'train');
    if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
    const setup = { policy: parsed.policy, limits, killSwitch: false, prices: DEFAULT_PRICES };
    const hops = new Map<string, Hop>();
    const openByPool = new Map<string, Hop>();
    simulate(
      jobs,
      { kind: 'sweep', setup },
      {
        waitingValuePerHourUsd: wait,
        jobKeepAliveSeconds: 'own',
        limits,
        learning,
        onDecision: (d) => {
          const id = `${d.pool}#${d.job}`;
          let hop = hops.get(id);
          if (!hop) {
            hop = {
              branch: branchOf(d.reason, d.action),
              availableSinceMs: d.nowMs - d.idleSeconds * 1000,
              usdPerSecond: rate.get(d.job) ?? 0,
              week: name,
              first: d.reason,
              reused: false,
            };
            hops.set(id, hop);
            openByPool.set(d.pool, hop);
          }
          if (d.action === 'stop' && hop.endMs === undefined) hop.endMs = d.nowMs;
        },
        onJobStart: (s) => {
          if (s.pool === undefined) return;
          const hop = openByPool.get(s.pool);
          if (hop && hop.endMs === undefined) {
            hop.endMs = s.atMs;
            hop.reused = true;
          }
        },
      },
    );
    for (const hop of hops.values()) {
      const entry = byBranch.get(hop.branch) ?? { hops: 0, reused: 0, idleUsd: 0, savedUsd: 0, open: 0 };
      entry.hops++;
      if (hop.reused) {
        entry.reused++;
        // What the reuse saved: one cold start of this cluster and its waiting person.
        entry.savedUsd += COLD_START_PENALTY_SECONDS * (hop.usdPerSecond + wait / 3600);
      }
      if (hop.endMs === undefined) entry.open++;
      else entry.idleUsd += ((hop.endMs - hop.availableSinceMs) / 1000) * hop.usdPerSecond;
      byBranch.set(hop.branch, entry);
      if (hop.endMs !== undefined && !hop.reused) worst.push(hop);
      const week = byWeek.get(hop.week) ?? { idleUsd: 0, savedUsd: 0 };
      if (hop.endMs !== undefined)
        week.idleUsd += ((hop.endMs - hop.availableSinceMs) / 1000) * hop.usdPerSecond;
      if (hop.reused) week.savedUsd += COLD_START_PENALTY_SECONDS * (hop.usdPerSecond + wait / 3600);
      byWeek.set(hop.week, week);
    }
  }
  console.log(
    `waiting $${wait}/h, all train weeks (idle of hops that ended by expiry not counted: "expired")`,
  );
  for (const [branch, e] of [...byBranch].sort((a, b) => b[1].idleUsd - a[1].idleUsd)) {
    console.log(
      `${branch.padEnd(26)} hops ${String(e.hops).padStart(5)} reused ${String(e.reused).padStart(4)} expired ${String(e.open).padStart(4)} idle $${e.idleUsd.toFixed(2)} saved $${e.savedUsd.toFixed(2)} net $${(e.savedUsd - e.idleUsd).toFixed(2)}`,
    );
  }
  console.log(
    [...byWeek]
      .map(([w, e]) => `${w} idle $${e.idleUsd.toFixed(2)} saved $${e.savedUsd.toFixed(2)}`)
      .join(' | '),
  );
  const cost = (h: Hop) => (((h.endMs ?? h.availableSinceMs) - h.availableSinceMs) / 1000) * h.usdPerSecond;
  for (const hop of worst.sort((a, b) => cost(b) - cost(a)).slice(0, Number(process.env.WORST ?? 8))) {
    console.log(`  ${hop.week} $${cost(hop).toFixed(2)} unreused: ${hop.first.slice(0, 220)}`);
  }
}
