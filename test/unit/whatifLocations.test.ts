import { describe, expect, it } from 'vitest';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { resolvePolicy } from '../../lib/policyFile/resolvePolicy';
import type { TraceJob } from '../../lib/trace/traceJob';
import { sampleTraceJob } from '../support/sampleTraceJob';

/**
 * A warm pool never crosses accounts or regions (matchKey.ts, README "Locally"), and the live
 * path keys a member account's jobs by their location. The whatif replay builds its match keys
 * from the criteria alone, so a job in eu-west-1 takes a pool left in us-east-1.
 */
const T0 = Date.parse('2026-01-05T09:00:00Z');
const options = { prices: DEFAULT_PRICES, waitingValuePerHourUsd: 60, noQuotaTypes: [] };
const inRegion = (name: string, atMs: number, region: string): TraceJob =>
  sampleTraceJob(name, atMs, 100, {
    roleArn: 'arn:aws:iam::111122223333:role/sagemaker-training',
    account: '111122223333',
    region,
    keepAliveSeconds: 1800,
  });

describe('whatif across regions', () => {
  // a ends about 243 s after T0; b, in another region, comes 5 minutes after.
  const trace = [inRegion('a', T0, 'us-east-1'), inRegion('b', T0 + 543_000, 'eu-west-1')];

  it('gives no warm start to a job in another region than the pool', () => {
    const report = runWhatif(whatifJobs(trace, options), [], options);
    const own = report.rows.find((r) => r.label === "jobs' own keep-alive")?.result;
    expect(own?.warmStarts).toBe(0);
  });

  it("applies a rule that matches the pool's region", () => {
    // The rule stops eu-west-1 pools at once; a trace whose jobs are all in eu-west-1 then has no
    // idle cost under it. whatif's jobs carry no location, so the rule never matches.
    const policy = resolvePolicy({
      rules: [
        {
          name: 'eu-stop',
          match: { regions: ['eu-west-1'] },
          idle: { insideWorkingHours: 0, outsideWorkingHours: 0 },
        },
      ],
    });
    const eu = [inRegion('c', T0, 'eu-west-1'), inRegion('d', T0 + 3 * 3600_000, 'eu-west-1')];
    const report = runWhatif(whatifJobs(eu, options), [{ label: 'eu-stop', policy }], options);
    const row = report.rows.find((r) => r.label === 'eu-stop')?.result;
    expect(row?.idleUsd).toBe(0);
  });

  it("prices an idle pool at its region's price, as the live path does (jobUnitPrice)", () => {
    const prices = { ...DEFAULT_PRICES, 'eu-west-1/ml.g5.xlarge': 10 };
    const regional = { ...options, prices };
    const trace = [{ ...inRegion('e', T0, 'eu-west-1'), keepAliveSeconds: 600 }];
    const report = runWhatif(whatifJobs(trace, regional), [], regional);
    const own = report.rows.find((r) => r.label === "jobs' own keep-alive")?.result;
    // 600 s idle at $10/h; whatif charges the us-east-1 list price ($1.408/h).
    expect(own?.idleUsd).toBeCloseTo((600 * 10) / 3600, 6);
  });
});
