import { type Command, Option } from 'commander';
import { POOL_CHOICE_RULES } from '../../../devtools/local/sagemaker/poolChoice';
import { DEFAULT_LOCAL_PORTS } from '../../wiring/localStack';
import { positiveNumber, rate, tcpPort } from '../optionParsers';
import type { LocalOptions } from './localRun';

export const registerLocalCommand = (program: Command, setExit: (code: number) => void): void => {
  program
    .command('local')
    .description(
      'run poolwarden end to end on this machine, against local emulators, over a trace of training jobs',
    )
    .requiredOption('--trace <file>', 'a JSON Lines trace of submitted training jobs (format in the README)')
    .option('--json', 'print one JSON document at the end instead of the summary')
    .option(
      '--timeline [file]',
      'print the full timeline of the run (or write it to this file) before the summary',
    )
    .addOption(
      new Option(
        '--ledger <store>',
        "where the functions keep their records: a local DynamoDB through poolwarden's DynamoDB adapters, or memory (faster, for bulk what-if replays)",
      )
        .choices(['dynamodb', 'memory'])
        .default('dynamodb'),
    )
    .option('--chaos [seed]', 'deliver events duplicated, delayed and reordered, as EventBridge may (seeded)')
    .option(
      '--drop <rate>',
      "lose this share of event deliveries entirely (seeded with --chaos's seed)",
      rate,
    )
    .option(
      '--crash <rate>',
      'make this share of function invocations die after their first DynamoDB write; events are retried as Lambda would (not with --ledger memory)',
      rate,
    )
    .option('--throttle <rate>', 'answer this share of SageMaker calls with ThrottlingException', rate)
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
      tcpPort,
    )
    .option(
      '--slack-actions-port <port>',
      'serve POST /slack/actions (the Slack buttons) on this loopback port; default: a free one',
      tcpPort,
    )
    .option(
      '--dynamodb-port <port>',
      'serve the local DynamoDB (the ledger) on this loopback port (for the CLI with --local, and your scripts)',
      tcpPort,
    )
    .option(
      '--keep-serving',
      `after the trace, keep the endpoints up until Ctrl-C, so that \`poolwarden pools|report|import --local\` can use them (default ports ${DEFAULT_LOCAL_PORTS.sagemaker} and ${DEFAULT_LOCAL_PORTS.dynamodb})`,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    .option('--kill-switch', 'turn every policy action into a dry run (decided and recorded, not done)')
    .option('--verbose', "show the functions' own logs and metrics")
    .option(
      '--slack-preview <file>',
      'write every Slack message of the run, laid out as Slack shows it, to this HTML file',
    )
    // For poolwarden's developers: play another pool choice than the one poolwarden assumes
    // (lib/domain/poolChoice.ts), to see its presumptions corrected. Hidden: not a user's knob.
    .addOption(
      new Option(
        '--pool-choice <rule>',
        'which matching Available pool the SageMaker emulator hands a new job',
      )
        .choices(POOL_CHOICE_RULES)
        .hideHelp(),
    )
    .action(async (options: LocalOptions) => {
      // The local stack (the AWS SDK, dynalite, the emulator) loads only when the command runs.
      const { runLocalCommand } = await import('./localRun');
      setExit(await runLocalCommand(options));
    });
};
