/**
 * Development tool: the policies on the TRAIN weeks only (bench/workloadSplit.ts).
 * npx tsx bench/trainPolicies.ts [policy.yaml ...]
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { runWhatif, type WhatifPolicy, whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_POLICY } from '../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { resolvePolicy } from '../lib/policyFile/resolvePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const files = process.argv.slice(2);
const waits = (process.env.WAITS ?? '0,60,90').split(',').map(Number);
const main = async () => {
  const filePolicies: WhatifPolicy[] = await Promise.all(
    files.map(async (f) => ({ label: f, policy: await readPolicyFile(f) })),
  );
  const sums = new Map<string, number[]>();
  for (const week of TRAIN_WEEKS) {
    const trace = generateTrace(week);
    for (const wait of waits) {
      const bare = resolvePolicy({
        version: 1,
        defaults: { keepAlive: { strategy: 'adaptive', waitingValuePerHour: wait } },
      } as never);
      const policies: WhatifPolicy[] = [
        ...filePolicies,
        { label: 'built-in default', policy: DEFAULT_POLICY },
        { label: `bare adaptive $${wait}`, policy: bare },
      ];
      const options = {
        prices: DEFAULT_PRICES,
        waitingValuePerHourUsd: wait,
        noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
      };
      const report = runWhatif(whatifJobs(trace, options), policies, options);
      const bestFixed = Math.min(
        ...report.rows.filter((r) => r.label.startsWith('fixed')).map((r) => r.result.totalUsd),
      );
      const none = report.rows.find((r) => r.label === 'no warm pool')?.result.totalUsd ?? 0;
      const own = report.rows.find((r) => r.label.startsWith('jobs'))?.result;
      console.log(
        `\n${week.workload} seed ${week.seed} teams ${week.teams} jobs ${report.jobs} $${wait}/h (${report.seconds.toFixed(1)} s) bestFixed ${bestFixed.toFixed(0)} none ${none.toFixed(0)} own cold ${own?.coldStarts}`,
      );
      for (const r of report.rows) {
        console.log(
          `  ${r.label.padEnd(28)} ${r.result.totalUsd.toFixed(0).padStart(8)} ×${r.timesOracle.toFixed(2)} idle ${r.result.idleUsd.toFixed(0).padStart(6)} cold ${String(r.result.coldStarts).padStart(5)} /fixed ${(r.result.totalUsd / bestFixed).toFixed(2)} /none ${(r.result.totalUsd / none).toFixed(2)}`,
        );
        const k = `${r.label.startsWith('bare') ? 'bare adaptive' : r.label} $${wait}`;
        sums.set(k, [...(sums.get(k) ?? []), r.timesOracle]);
      }
    }
  }
  console.log('\nmean × oracle');
  for (const [k, v] of sums)
    console.log(
      `  ${k.padEnd(34)} ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)} max ${Math.max(...v).toFixed(2)}`,
    );
};
void main();
