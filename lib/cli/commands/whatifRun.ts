import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { runWhatif, type WhatifPolicy, whatifJobs } from '../../../devtools/sim/whatif';
import { runWhatifInThreads } from '../../../devtools/sim/whatifThreads';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import { DEFAULT_POLICY } from '../../domain/policy/defaultPolicy';
import { DEFAULT_PRICES, withOverrides } from '../../domain/prices';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { CliError, EXIT } from '../exitCodes';
import { whatifJson, whatifText } from './whatifTable';

/**
 * From this many jobs on, the table's rows run on worker threads (one per core): below it, the
 * replay takes less than starting the threads would.
 */
const THREADS_FROM_JOBS = 2000;

export interface WhatifOptions {
  trace: string;
  policy: string[];
  waitingValue?: number;
  prices?: string;
  noQuota?: string;
  json?: boolean;
}

export const runWhatifCommand = async (options: WhatifOptions): Promise<void> => {
  const trace = await readTraceFile(options.trace);
  if (trace.length === 0) throw new CliError(`${options.trace}: the trace has no jobs`, EXIT.invalidInput);
  const policies: WhatifPolicy[] =
    options.policy.length > 0
      ? await Promise.all(
          options.policy.map(async (file) => ({ label: file, policy: await readPolicyFile(file) })),
        )
      : [{ label: 'built-in default policy', policy: DEFAULT_POLICY }];
  const prices = options.prices
    ? withOverrides(DEFAULT_PRICES, await readPriceFile(options.prices))
    : DEFAULT_PRICES;
  const noQuotaTypes =
    typeof options.noQuota === 'string'
      ? options.noQuota
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t.length > 0)
      : NO_WARM_POOL_QUOTA_TYPES;
  const waiting = options.waitingValue ?? policies[0]?.policy.defaults.keepAlive.waitingValuePerHourUsd ?? 0;
  const whatif = { prices, waitingValuePerHourUsd: waiting, noQuotaTypes };
  const jobs = whatifJobs(trace, whatif);
  const report =
    jobs.length >= THREADS_FROM_JOBS
      ? await runWhatifInThreads(jobs, policies, whatif)
      : runWhatif(jobs, policies, whatif);
  if (options.json) console.log(JSON.stringify(whatifJson(report), null, 2));
  else console.log(whatifText(report).join('\n'));
};
