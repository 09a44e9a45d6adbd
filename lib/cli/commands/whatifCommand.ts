import type { Command } from 'commander';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { usdPerHour } from '../optionParsers';
import type { WhatifOptions } from './whatifRun';

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
      usdPerHour,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    // Not --no-quota: commander reads any --no-X as the negation of --X, and the types were lost.
    .option(
      '--without-quota <types>',
      `comma-separated instance types without warm-pool quota (default: ${NO_WARM_POOL_QUOTA_TYPES.join(', ')}, as the local stack)`,
    )
    .option('--json', 'print JSON instead of the table')
    .action(async (options: WhatifOptions) => {
      const { runWhatifCommand } = await import('./whatifRun');
      await runWhatifCommand(options);
    });
};
