import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { whatifJobs } from '../devtools/sim/whatif';
import { runWhatifInThreads } from '../devtools/sim/whatifThreads';
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

/**
 * `poolwarden whatif` on 10,000 jobs with the example policy: the whole table, timed as the
 * command runs it (its rows on one worker thread per core), with the CPU time of every thread: on
 * a loaded machine the wall time says little, the CPU time what a quiet one would need at least.
 */
export const runWhatifSpeed = async (): Promise<{ jobs: number; seconds: number; cpuSeconds: number }> => {
  const trace = tenThousandJobs();
  const policy = await readPolicyFile('examples/policy.yaml');
  const options = {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: 90,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await runWhatifInThreads(
    whatifJobs(trace, options),
    [{ label: 'examples/policy.yaml', policy }],
    options,
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { jobs: report.jobs, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
};

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { jobs, seconds, cpuSeconds } = await runWhatifSpeed();
  console.log(
    `whatif: ${jobs} jobs, every policy and baseline, in ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s, all threads)`,
  );
}
