import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../devtools/local/trace/teams';
import { type SimResult, simulate } from '../../devtools/sim/keepAliveSim';
import { prepareJobs } from '../../devtools/sim/simJobs';
import { whatifJobs, whatifRuns, whatifSimOptions } from '../../devtools/sim/whatif';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { Policy } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';
import { readPolicyFile } from '../../lib/policyFile/readPolicyFile';
import { sampleTraceJob } from '../support/sampleTraceJob';

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
      // whose warnings and idle limits keep more of its minutes; bursty weeks wake whole keys
      // whenever a pool of the key comes, goes or moves in the key's order).
      const evaluations = (rows: typeof skipping) => rows.reduce((n, r) => n + r.result.evaluations, 0);
      expect(evaluations(skipping)).toBeLessThan(evaluations(everyMinute) * 0.7);
    },
  );
});

describe('what wakes a pool between its bounds', () => {
  const T0 = Date.parse('2026-01-05T09:00:00Z');
  const policyReading = (ownerActiveWithin: string): Policy => {
    const parsed = parsePolicy(
      `
defaults:
  extend: { within: 1m, when: { ownerActiveWithin: ${ownerActiveWithin}, predictedReuse: true } }
  keepAlive: { strategy: adaptive, waitingValuePerHour: 90 }
  notify: { leadTime: off }
`,
      'policy.yaml',
    );
    if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
    return parsed.policy;
  };
  // Alice's pool of job a is Available from 09:04:03; at 09:06:30 she submits a job of another
  // key, which is evidence for a reuse of her pool when the rule reads her activity.
  const jobs = prepareJobs(
    [sampleTraceJob('a', T0, 100), sampleTraceJob('b', T0 + 390_000, 100, { instanceType: 'ml.g5.2xlarge' })],
    { prices: DEFAULT_PRICES },
  );
  const decisionsOnA = (policy: Policy) => {
    const at: string[] = [];
    simulate(
      jobs,
      {
        kind: 'sweep',
        setup: { policy, limits: DEFAULT_KEEP_ALIVE_LIMITS, killSwitch: false, prices: DEFAULT_PRICES },
      },
      { onDecision: (d) => d.job === 'a' && at.push(new Date(d.nowMs).toISOString().slice(11, 19)) },
    );
    return at;
  };

  it("looks at a pool again the minute after its owner's submission, when its rule reads that", () => {
    expect(decisionsOnA(policyReading('30m')).slice(0, 3)).toEqual(['09:04:03', '09:07:00', '09:10:00']);
  });

  it('not otherwise: the next look is the next refresh of the learned gaps', () => {
    expect(decisionsOnA(policyReading('off')).slice(0, 2)).toEqual(['09:04:03', '09:10:00']);
  });
});
