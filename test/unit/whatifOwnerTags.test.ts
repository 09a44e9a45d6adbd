import { describe, expect, it } from 'vitest';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { resolvePolicy } from '../../lib/policyFile/resolvePolicy';
import { sampleTraceJob } from '../support/sampleTraceJob';

/**
 * The live path reads a job's team and owner from any of the owner tag keys (owner.ts:
 * `team`, `poolwarden:team`, `Team`, trimmed); whatif's prepareJobs reads `tags.team` and
 * `tags.owner` alone. A team rule (or a team spend cap) that governs a pool in production does
 * not apply to the same job in whatif.
 */
const T0 = Date.parse('2026-01-05T09:00:00Z');
const options = { prices: DEFAULT_PRICES, waitingValuePerHourUsd: 60, noQuotaTypes: [] };
const policy = resolvePolicy({
  rules: [
    {
      name: 'vision-stop',
      match: { teams: ['vision'] },
      idle: { insideWorkingHours: 0, outsideWorkingHours: 0 },
    },
  ],
});

describe('whatif reads the team as the live path does', () => {
  for (const tags of [{ Team: 'vision' }, { 'poolwarden:team': 'vision' }, { team: ' vision ' }]) {
    it(`applies the team rule to a job tagged ${JSON.stringify(tags)}`, () => {
      const trace = [
        sampleTraceJob('a', T0, 100, { tags, keepAliveSeconds: 1800 }),
        sampleTraceJob('b', T0 + 3 * 3600_000, 100, { tags, keepAliveSeconds: 1800 }),
      ];
      const report = runWhatif(whatifJobs(trace, options), [{ label: 'p', policy }], options);
      // Under the rule every pool is stopped the moment it becomes Available: no idle cost.
      expect(report.rows.find((r) => r.label === 'p')?.result.idleUsd).toBe(0);
    });
  }
});
