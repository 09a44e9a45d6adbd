import type { Command } from 'commander';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import { runLocal } from '../../local/runLocal';
import { readTraceFile } from '../../local/trace/readTraceFile';
import { TraceParseError } from '../../local/trace/traceIssues';
import { readPolicyFile } from '../../policy/readPolicyFile';
import { CliError, EXIT } from '../exitCodes';
import { positiveNumber, wholeNumber } from '../optionParsers';
import { printLocalSummary } from '../output/localSummary';

interface LocalOptions {
  trace: string;
  json?: boolean;
  chaos?: boolean | string;
  policy?: string;
  speed?: number;
  dataDir?: string;
  port?: number;
  prices?: string;
  killSwitch?: boolean;
  verbose?: boolean;
}

export const registerLocalCommand = (program: Command, setExit: (code: number) => void): void => {
  program
    .command('local')
    .description(
      'run poolwarden end to end on this machine, against local emulators, over a trace of training jobs',
    )
    .requiredOption('--trace <file>', 'a JSON Lines trace of submitted training jobs (format in the README)')
    .option('--json', 'print one JSON document at the end instead of the timeline and summary')
    .option('--chaos [seed]', 'deliver events duplicated, delayed and reordered, as EventBridge may (seeded)')
    .option('--policy <file>', 'a policy file (YAML or JSON) for the sweep to apply')
    .option(
      '--speed <n>',
      'virtual seconds per real second (1 = real time); default: as fast as possible',
      positiveNumber,
    )
    .option('--data-dir <dir>', 'keep the local DynamoDB on disk in this folder instead of in memory')
    .option(
      '--port <port>',
      'serve the SageMaker emulator on this loopback port (for your own SDK scripts)',
      wholeNumber,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    .option('--kill-switch', 'turn every policy action into a dry run (decided and recorded, not done)')
    .option('--verbose', "show the functions' own logs and metrics")
    .action(async (options: LocalOptions) => {
      let trace: Awaited<ReturnType<typeof readTraceFile>>;
      try {
        trace = await readTraceFile(options.trace);
      } catch (error) {
        const reason =
          error instanceof TraceParseError
            ? error.message
            : `cannot read the trace ${options.trace}: ${String(error)}`;
        throw new CliError(reason, EXIT.invalidInput);
      }
      const prices = options.prices ? await readPriceFile(options.prices) : undefined;
      const policy = options.policy ? await readPolicyFile(options.policy) : undefined;
      const slackWebhookUrl = process.env.SLACK_WEBHOOK_URL;
      const chaosSeed =
        options.chaos === undefined || options.chaos === false
          ? undefined
          : options.chaos === true
            ? 1
            : wholeNumber(options.chaos);
      const json = options.json ?? false;
      const { report, wallSeconds } = await runLocal({
        trace,
        ...(chaosSeed !== undefined ? { chaosSeed } : {}),
        ...(options.speed !== undefined ? { speed: options.speed } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.port !== undefined ? { sageMakerPort: options.port } : {}),
        ...(prices ? { prices } : {}),
        ...(policy ? { policy } : {}),
        ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
        killSwitch: options.killSwitch ?? false,
        verbose: options.verbose ?? false,
        ...(json ? {} : { onLine: (line: string) => console.log(line) }),
      });
      if (json) console.log(JSON.stringify(report, null, 2));
      else printLocalSummary(report, wallSeconds, (line) => console.log(line));
      setExit(report.check.ledgerMatchesEmulator ? EXIT.ok : EXIT.failure);
    });
};
