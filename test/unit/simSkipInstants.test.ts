import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../devtools/local/trace/teams';
import { type SimResult, simulate } from '../../devtools/sim/keepAliveSim';
import { whatifJobs, whatifRuns, whatifSimOptions } from '../../devtools/sim/whatif';
import type { Policy } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { readPolicyFile } from '../../lib/policyFile/readPolicyFile';

/**
 * Skipping instants must not change a single figure: each row of the whatif table, replayed with
 * and without it, on generated weeks with working hours, idle limits, spend caps, tags and
 * activity evidence in the policies. Only the count of evaluations may differ.
 */
const TIGHT = (example: Policy): Policy => ({
  ...example,
  defaults: {
    ...example.defaults,
    // Limits and caps that bind often: idle limits by working hours, spend caps crossed during
    // the day (the bursty weeks stop pools on them), activity as evidence (owner submissions wake pools), warnings before the end.
    idle: { insideWorkingHoursSeconds: 50 * 60, outsideWorkingHoursSeconds: 20 * 60 },
    extend: {
      ...example.defaults.extend,
      withinSeconds: 15 * 60,
      when: { reusedWithinSeconds: 3600, ownerActiveWithinSeconds: 30 * 60, predictedReuse: true },
    },
    caps: {
      ...example.defaults.caps,
      keepAlivePerCallSeconds: 40 * 60,
      idleSpendPerPoolPerDayUsd: 6,
      idleSpendPerTeamPerDayUsd: 20,
    },
    notifyLeadTimeSeconds: 20 * 60,
  },
  rules: [],
});

interface Week {
  readonly seed: number;
  readonly workload: 'mixed' | 'bursty';
  readonly days: number;
  readonly scale: number;
  /** Only the policies (the tight one), not the baselines: a longer week in the same time. */
  readonly policiesOnly: boolean;
}

const table = (week: Week, policies: readonly { label: string; policy: Policy }[], skipInstants: boolean) => {
  const trace = generateTrace({
    seed: week.seed,
    start: '2026-03-26T00:00:00Z',
    days: week.days,
    scale: week.scale,
    workload: week.workload,
  });
  const options = {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: 60,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    policiesOnly: week.policiesOnly,
  };
  const jobs = whatifJobs(trace, options);
  return whatifRuns(policies, options).map((run) => ({
    label: run.label,
    result: simulate(jobs, run.policy, { ...whatifSimOptions(options), skipInstants }),
  }));
};

const figures = ({ evaluations: _, ...rest }: SimResult) => rest;

describe('skipping instants in the replay', () => {
  it.each<Week>([
    { seed: 3, workload: 'mixed', days: 3, scale: 4, policiesOnly: false },
    { seed: 5, workload: 'bursty', days: 3, scale: 4, policiesOnly: false },
    // Weeks where the team's spend, changed by its other pools, stops pools on the tight caps.
    { seed: 3, workload: 'bursty', days: 4, scale: 6, policiesOnly: true },
    { seed: 13, workload: 'bursty', days: 4, scale: 6, policiesOnly: true },
  ])(
    'gives the same table as the minute-by-minute replay (seed $seed, $workload, $days days)',
    async (week) => {
      const example = await readPolicyFile('examples/policy.yaml');
      const policies = week.policiesOnly
        ? [{ label: 'tight', policy: TIGHT(example) }]
        : [
            { label: 'example', policy: example },
            { label: 'tight', policy: TIGHT(example) },
          ];
      const everyMinute = table(week, policies, false);
      const skipping = table(week, policies, true);
      expect(skipping.map((r) => ({ label: r.label, ...figures(r.result) }))).toEqual(
        everyMinute.map((r) => ({ label: r.label, ...figures(r.result) })),
      );
      // And it does skip: the learned rows evaluate far less often (fewer for the tight policy,
      // whose warnings and idle limits keep more of its minutes).
      const evaluations = (rows: typeof skipping) => rows.reduce((n, r) => n + r.result.evaluations, 0);
      expect(evaluations(skipping)).toBeLessThan(evaluations(everyMinute) * 0.6);
    },
  );
});
