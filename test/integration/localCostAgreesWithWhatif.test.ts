import { describe, expect, it } from 'vitest';
import { runLocal } from '../../devtools/local/runLocal';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../devtools/local/trace/teams';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';
import { readTraceFile } from '../../lib/trace/readTraceFile';

/**
 * The local stack's summary prices its run with the cost model, as `poolwarden whatif` prices
 * the same trace in memory: the two agree within 2 %. A policy that stops pools at a fixed idle
 * time and extends nothing, so that both see the same decisions.
 */
const parsed = parsePolicy(
  `
defaults:
  workingHours: []
  idle: { insideWorkingHours: 8m, outsideWorkingHours: 8m }
  extend: { when: { predictedReuse: false } }
  keepAlive: { strategy: fixed, waitingValuePerHour: 60 }
`,
  'agree.yaml',
);
if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
const policy = parsed.policy;

describe('the local summary and whatif', () => {
  it('agree on the cost of a small trace within 2 %', async () => {
    const trace = (await readTraceFile('examples/team-week.jsonl')).slice(0, 40);
    const { report } = await runLocal({ trace, policy });
    const options = {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: 60,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    };
    const whatif = runWhatif(whatifJobs(trace, options), [{ label: 'agree', policy }], options);
    const row = whatif.rows[0]?.result;
    const cost = report.summary.cost;
    expect(cost.waitingValuePerHourUsd).toBe(60);
    expect(row).toBeDefined();
    expect(Math.abs(cost.totalUsd - (row?.totalUsd ?? 0)) / (row?.totalUsd ?? 1)).toBeLessThanOrEqual(0.02);
    expect(report.summary.coldStarts).toBe(row?.coldStarts);
    // Kept fields other tools read.
    expect(report.summary.idleCostUsd).toBeCloseTo(cost.idleUsd, 1);
  }, 120_000);
});
