import type { Command } from 'commander';
import { usdPerHour } from '../optionParsers';
import type { TuneOptions } from './tuneRun';

export const registerTuneCommand = (policy: Command): void => {
  policy
    .command('tune')
    .description(
      "search the policy's own knobs (strategy, extensions, idle limits, samples) on a history: tune on its first 70 %, report on the rest, write the tuned policy file with the table",
    )
    .requiredOption('--trace <file>', 'the history: a trace from poolwarden import, or any trace file')
    .option('--policy <file>', 'the policy to start from (default: the built-in defaults)')
    .option(
      '--waiting-value <usdPerHour>',
      "what an hour of a person waiting is worth (default: the policy's own)",
      usdPerHour,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    .option('--out <file>', 'write the tuned policy here (default: print it)')
    .action(async (options: TuneOptions) => {
      const { runTuneCommand } = await import('./tuneRun');
      await runTuneCommand(options);
    });
};
