import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../devtools/local/trace/teams';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { runWhatifInThreads } from '../../devtools/sim/whatifThreads';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { readPolicyFile } from '../../lib/policyFile/readPolicyFile';

/** Rows computed on worker threads are the rows computed one after the other, in the same order. */
describe('whatif on worker threads', () => {
  it('gives the table of the sequential replay, row for row', async () => {
    const trace = generateTrace({
      seed: 11,
      start: '2026-02-02T00:00:00Z',
      days: 3,
      scale: 1,
      workload: 'mixed',
    });
    const policy = await readPolicyFile('examples/policy.yaml');
    const options = {
      prices: DEFAULT_PRICES,
      waitingValuePerHourUsd: 90,
      noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
    };
    const jobs = whatifJobs(trace, options);
    const policies = [{ label: 'example', policy }];
    const inThreads = await runWhatifInThreads(jobs, policies, options, { threads: 2 });
    const sequential = runWhatif(jobs, policies, options);
    expect(jobs.length).toBeGreaterThan(100);
    expect(inThreads.rows).toEqual(sequential.rows);
    expect({ ...inThreads, seconds: 0 }).toEqual({ ...sequential, seconds: 0 });
  }, 60_000);
});
