import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { runWhatif, type WhatifPolicy, whatifJobs } from '../../../devtools/sim/whatif';
import { WhatifWorkers, whatifThreadCount } from '../../../devtools/sim/whatifThreads';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import { DEFAULT_POLICY } from '../../domain/policy/defaultPolicy';
import { DEFAULT_PRICES, withOverrides } from '../../domain/prices';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../../trace/parseTrace';
import { CliError, EXIT } from '../exitCodes';
import { readInputFile } from '../inputFiles';
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
  withoutQuota?: string;
  json?: boolean;
}

/** About how many jobs a trace's text holds (its lines), before it is parsed. */
const linesOf = (text: string): number => {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
};

/**
 * V8's budget for inlining into one optimised function, in bytecode bytes (920 by default). The
 * replay's decision code is large and deeply nested (evaluatePool → learner → decision), and its
 * optimising compiler inlined so much of it that compiling took about a second of CPU per thread,
 * paid again by every worker thread (each is its own V8 isolate). With 400 the 10,000-job table
 * took about 10 % less CPU in all (bench/whatifSpeed.ts) and no longer to run. V8's flags are the
 * process's: set before the worker threads start, they hold in every thread.
 */
const INLINING_BUDGET_BYTES = 400;

export const runWhatifCommand = async (options: WhatifOptions): Promise<void> => {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET_BYTES}`);
  const text = await readInputFile('trace', options.trace, (path) => readFile(path, 'utf8'));
  const { policies, whatif } = await readSettings(options);
  // A big trace's rows run on worker threads: started now, they load their code while the trace
  // is parsed. The lines are a guess at the jobs; the table is the same on threads or not.
  const threads = linesOf(text) >= THREADS_FROM_JOBS ? whatifThreadCount(policies, whatif) : 1;
  const workers = threads > 1 ? new WhatifWorkers(threads) : undefined;
  try {
    const trace = (await workers?.parseInTwo(text)) ?? parseTraceOrThrow(text, basename(options.trace));
    if (trace.length === 0) throw new CliError(`${options.trace}: the trace has no jobs`, EXIT.invalidInput);
    const jobs = whatifJobs(trace, whatif);
    const report =
      workers !== undefined && jobs.length >= THREADS_FROM_JOBS
        ? await workers.run(jobs, policies, whatif)
        : runWhatif(jobs, policies, whatif);
    if (options.json) console.log(JSON.stringify(whatifJson(report), null, 2));
    else console.log(whatifText(report).join('\n'));
  } finally {
    await workers?.close();
  }
};

/** The policies to compare and the table's options. */
const readSettings = async (options: WhatifOptions) => {
  const policies: WhatifPolicy[] =
    options.policy.length > 0
      ? await Promise.all(
          options.policy.map(async (file) => ({
            label: file,
            policy: await readInputFile('policy', file, readPolicyFile),
          })),
        )
      : [{ label: 'built-in default policy', policy: DEFAULT_POLICY }];
  const prices = options.prices
    ? withOverrides(DEFAULT_PRICES, await readInputFile('prices', options.prices, readPriceFile))
    : DEFAULT_PRICES;
  const noQuotaTypes =
    typeof options.withoutQuota === 'string'
      ? options.withoutQuota
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t.length > 0)
      : NO_WARM_POOL_QUOTA_TYPES;
  const waiting = options.waitingValue ?? policies[0]?.policy.defaults.keepAlive.waitingValuePerHourUsd ?? 0;
  const whatif = { prices, waitingValuePerHourUsd: waiting, noQuotaTypes };
  return { policies, whatif };
};
