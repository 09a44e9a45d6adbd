import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { LocalEndpoints, LocalLedger } from '../../local/runLocal';
import type { TraceJob } from '../../local/trace/traceJob';
import { DEFAULT_LOCAL_PORTS } from '../connectionOptions';
import { CliError, EXIT } from '../exitCodes';
import { positiveNumber, wholeNumber } from '../optionParsers';
import { progressBar } from '../output/progress';

interface LocalOptions {
  trace: string;
  json?: boolean;
  timeline?: boolean | string;
  ledger: LocalLedger;
  chaos?: boolean | string;
  policy?: string;
  speed?: number;
  dataDir?: string;
  port?: number;
  dynamodbPort?: number;
  keepServing?: boolean;
  slackActionsPort?: number;
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
    .option(
      '--slack-actions-port <port>',
      'serve POST /slack/actions (the Slack buttons) on this loopback port; default: a free one',
      wholeNumber,
    )
    .option(
      '--dynamodb-port <port>',
      'serve the local DynamoDB (the ledger) on this loopback port (for the CLI with --local, and your scripts)',
      wholeNumber,
    )
    .option(
      '--keep-serving',
      `after the trace, keep the endpoints up until Ctrl-C, so that \`poolwarden pools|report|import --local\` can use them (default ports ${DEFAULT_LOCAL_PORTS.sagemaker} and ${DEFAULT_LOCAL_PORTS.dynamodb})`,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table')
    .option('--kill-switch', 'turn every policy action into a dry run (decided and recorded, not done)')
    .option('--verbose', "show the functions' own logs and metrics")
    .action(async (options: LocalOptions) => {
      // The local stack (the AWS SDK, dynalite, the emulator) loads only when the command runs.
      const [
        { readPriceFile },
        { runLocal },
        { readTraceFile },
        { TraceParseError },
        { readPolicyFile },
        { printLocalSummary },
      ] = await Promise.all([
        import('../../adapters/prices/readPriceFile'),
        import('../../local/runLocal'),
        import('../../local/trace/readTraceFile'),
        import('../../local/trace/traceIssues'),
        import('../../policy/readPolicyFile'),
        import('../output/localSummary'),
      ]);
      if (options.ledger === 'memory') {
        const needsTable = [
          options.dataDir !== undefined && '--data-dir',
          options.dynamodbPort !== undefined && '--dynamodb-port',
          options.keepServing && '--keep-serving',
        ].filter((flag): flag is string => typeof flag === 'string');
        if (needsTable.length > 0)
          throw new CliError(
            `${needsTable.join(', ')} needs the local DynamoDB: drop --ledger memory`,
            EXIT.usage,
          );
      }
      let trace: readonly TraceJob[];
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
      const keepServing = options.keepServing ?? false;
      const sageMakerPort = options.port ?? (keepServing ? DEFAULT_LOCAL_PORTS.sagemaker : undefined);
      const dynamoDbPort = options.dynamodbPort ?? (keepServing ? DEFAULT_LOCAL_PORTS.dynamodb : undefined);
      // With fixed ports, tell where the stack listens (on stderr with --json, so stdout stays one document).
      const announce = (endpoints: LocalEndpoints) => {
        if (sageMakerPort === undefined && dynamoDbPort === undefined) return;
        const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
        say(
          `local stack: SageMaker ${endpoints.sagemaker}, ${endpoints.dynamodb ? `DynamoDB ${endpoints.dynamodb}, table ${endpoints.table}` : 'ledger in memory'}`,
        );
        const defaults =
          sageMakerPort === DEFAULT_LOCAL_PORTS.sagemaker && dynamoDbPort === DEFAULT_LOCAL_PORTS.dynamodb;
        say(
          `  in another terminal: ${defaults ? '' : `AWS_ENDPOINT_URL_SAGEMAKER=${endpoints.sagemaker} AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb} `}npx poolwarden pools list --local`,
        );
        if (keepServing) say('  serving until Ctrl-C, also after the trace ends');
      };
      // The first Ctrl-C ends the serving after the trace (and the run prints its summary); a second one aborts.
      const servingUntil = keepServing
        ? new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          })
        : undefined;
      // By default a progress bar, then the summary: the timeline is long (a line per event).
      const timelineFile = typeof options.timeline === 'string' ? options.timeline : undefined;
      const timelineLines: string[] = [];
      let timelineCount = 0;
      const onLine =
        options.timeline === true && !json
          ? (line: string) => console.log(line)
          : (line: string) => {
              timelineCount++;
              if (timelineFile) timelineLines.push(line);
            };
      const bar = options.timeline === true && !json ? undefined : progressBar('replaying');
      const { report, wallSeconds } = await runLocal({
        trace,
        ledger: options.ledger,
        ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}),
        ...(chaosSeed !== undefined ? { chaosSeed } : {}),
        ...(options.speed !== undefined ? { speed: options.speed } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(sageMakerPort !== undefined ? { sageMakerPort } : {}),
        ...(dynamoDbPort !== undefined ? { dynamoDbPort } : {}),
        ...(servingUntil
          ? {
              keepServingUntil: servingUntil.then(() =>
                console.error('poolwarden: stopping the local stack'),
              ),
            }
          : {}),
        ...(options.slackActionsPort !== undefined ? { slackActionsPort: options.slackActionsPort } : {}),
        onReady: (endpoints: LocalEndpoints) => {
          if (!json) console.log(`Slack actions: POST ${endpoints.slackActions}`);
          announce(endpoints);
        },
        ...(prices ? { prices } : {}),
        ...(policy ? { policy } : {}),
        ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
        killSwitch: options.killSwitch ?? false,
        verbose: options.verbose ?? false,
        onLine,
      });
      bar?.done();
      if (timelineFile)
        await writeFile(timelineFile, timelineLines.map((line) => `${line}\n`).join(''), 'utf8');
      if (json) console.log(JSON.stringify(report, null, 2));
      else {
        printLocalSummary(report, wallSeconds, (line) => console.log(line));
        if (timelineFile) console.log(`timeline             ${timelineCount} lines in ${timelineFile}`);
        else if (options.timeline !== true)
          console.log(
            `timeline             ${timelineCount} lines: --timeline prints them, --timeline FILE writes them`,
          );
      }
      setExit(report.check.ledgerMatchesEmulator ? EXIT.ok : EXIT.failure);
    });
};
