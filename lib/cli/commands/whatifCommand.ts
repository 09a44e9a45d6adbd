import type { Command } from 'commander';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { runWhatif, type WhatifPolicy, whatifJobs } from '../../../devtools/sim/whatif';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import { DEFAULT_POLICY } from '../../domain/policy/defaultPolicy';
import { DEFAULT_PRICES, withOverrides } from '../../domain/prices';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { CliError, EXIT } from '../exitCodes';
import { whatifJson, whatifText } from './whatifTable';

interface WhatifOptions {
  trace: string;
  policy: string[];
  waitingValue?: number;
  prices?: string;
  noQuota?: string;
  json?: boolean;
}

const waitingValue = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new CliError(`--waiting-value: expected USD per hour (a number ≥ 0), got "${value}"`, EXIT.usage);
  }
  return n;
};

export const registerWhatifCommand = (program: Command): void => {
  program
    .command('whatif')
    .description(
      'replay a trace in memory under policies and baselines and print what each would have cost (idle, cold starts, waiting) against the offline oracle',
    )
    .requiredOption(
      '--trace <file>',
      'a trace (JSON Lines: poolwarden import, the bundled examples, or generated)',
    )
    .option(
      '--policy <file>',
      'a policy file to replay (repeatable; none: the built-in default policy)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--waiting-value <usdPerHour>',
      "what an hour of a person waiting for a cold start is worth in the table (default: the first policy's own)",
      waitingValue,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    .option(
      '--no-quota <types>',
      `comma-separated instance types without warm-pool quota (default: ${NO_WARM_POOL_QUOTA_TYPES.join(', ')}, as the local stack)`,
    )
    .option('--json', 'print JSON instead of the table')
    .action(async (options: WhatifOptions) => {
      const trace = await readTraceFile(options.trace);
      if (trace.length === 0)
        throw new CliError(`${options.trace}: the trace has no jobs`, EXIT.invalidInput);
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
      const waiting =
        options.waitingValue ?? policies[0]?.policy.defaults.keepAlive.waitingValuePerHourUsd ?? 0;
      const whatif = { prices, waitingValuePerHourUsd: waiting, noQuotaTypes };
      const report = runWhatif(whatifJobs(trace, whatif), policies, whatif);
      if (options.json) console.log(JSON.stringify(whatifJson(report), null, 2));
      else console.log(whatifText(report).join('\n'));
    });
};
