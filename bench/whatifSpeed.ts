import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { runWhatif, whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import type { TraceJob } from '../lib/trace/traceJob';

/** The 10,000-job trace bench:replay uses: the mixed workload, scaled until it is big enough. */
export const tenThousandJobs = (wanted = 10_000): TraceJob[] => {
  let scale = 1;
  const of = () =>
    generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
  let trace = of();
  while (trace.length < wanted) {
    scale *= 1.5;
    trace = of();
  }
  return trace.slice(0, wanted);
};

/** `poolwarden whatif` on 10,000 jobs with the example policy: the whole table, timed. */
export const runWhatifSpeed = async (): Promise<{ jobs: number; seconds: number }> => {
  const trace = tenThousandJobs();
  const policy = await readPolicyFile('examples/policy.yaml');
  const options = {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: 90,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  };
  const started = performance.now();
  const report = runWhatif(whatifJobs(trace, options), [{ label: 'examples/policy.yaml', policy }], options);
  return { jobs: report.jobs, seconds: (performance.now() - started) / 1000 };
};

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { jobs, seconds } = await runWhatifSpeed();
  console.log(`whatif: ${jobs} jobs, every policy and baseline, in ${seconds.toFixed(2)} s`);
}
