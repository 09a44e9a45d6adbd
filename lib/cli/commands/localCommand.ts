import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { printLocalSummary } from '../../../devtools/local/report/localSummary';
import { type LocalEndpoints, runLocal } from '../../../devtools/local/runLocal';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import type { SentNotification } from '../../notify/notifier';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { TraceParseError } from '../../trace/traceIssues';
import { DEFAULT_LOCAL_PORTS } from '../../wiring/localStack';
import { CliError, EXIT } from '../exitCodes';
import { FILE_PROBLEM_MISSING, fileProblem, readInputFile } from '../inputFiles';
import { positiveNumber, rate, wholeNumber } from '../optionParsers';
import { type PreviewMessage, slackPreviewHtml } from '../output/slackPreview';

interface LocalOptions {
  trace: string;
  json?: boolean;
  chaos?: boolean | string;
  drop?: number;
  crash?: number;
  throttle?: number;
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
  slackPreview?: string;
}

/** The Slack message a sent notification carried, if it went to Slack. */
const previewOf = (sent: SentNotification): PreviewMessage | undefined => {
  const { envelope } = sent;
  if (envelope.channel !== 'slack') return undefined;
  const to =
    envelope.to.via === 'webhook'
      ? "the webhook's channel"
      : envelope.to.via === 'channel'
        ? envelope.to.channel
        : `DM to ${envelope.to.email}`;
  return { atMs: sent.atMs, to, text: envelope.text, blocks: envelope.blocks };
};

/** A port option naming a port already taken: one line, exit 1, and nothing left running. */
const portInUse = (error: unknown): never => {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    const port = 'port' in error ? String(error.port) : '?';
    throw new CliError(
      `cannot listen on 127.0.0.1:${port}: the port is in use (another poolwarden local?); pick another one`,
      EXIT.failure,
    );
  }
  throw error;
};

/** `--chaos` alone is seed 1; `--chaos N` a whole-number seed. */
const chaosSeedOf = (chaos: boolean | string | undefined): number | undefined => {
  if (chaos === undefined || chaos === false) return undefined;
  if (chaos === true) return 1;
  try {
    return wholeNumber(chaos);
  } catch {
    throw new CliError(`--chaos: the seed must be a whole number (0, 1, 2, ...), got "${chaos}"`, EXIT.usage);
  }
};

/**
 * Creates the missing folders of `dir` one at a time: Node's recursive mkdir never settles
 * where the parent refuses new entries without saying EACCES (e.g. under /proc).
 */
const makeFolders = async (dir: string): Promise<void> => {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      await stat(at);
      break;
    } catch (error) {
      if (fileProblem(error) !== FILE_PROBLEM_MISSING || dirname(at) === at) throw error;
      missing.unshift(at);
      at = dirname(at);
    }
  }
  for (const folder of missing) await mkdir(folder);
};

/** The ledger's folder must be a folder poolwarden can write, or not exist yet (it is created). */
const checkDataDir = async (dir: string): Promise<void> => {
  try {
    await makeFolders(dir);
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'EEXIST' });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new CliError(
      `--data-dir ${dir}: cannot keep the local DynamoDB there: ${fileProblem(error) ?? String(error)}`,
      EXIT.invalidInput,
    );
  }
};

/** Creates (or empties) the preview file before the run, so that a bad path fails at once. */
const preparePreviewFile = async (file: string): Promise<void> => {
  try {
    await writeFile(file, '');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new CliError(`cannot write the Slack preview ${file}: ${reason}`, EXIT.invalidInput);
  }
};

export const registerLocalCommand = (program: Command, setExit: (code: number) => void): void => {
  program
    .command('local')
    .description(
      'run poolwarden end to end on this machine, against local emulators, over a trace of training jobs',
    )
    .requiredOption('--trace <file>', 'a JSON Lines trace of submitted training jobs (format in the README)')
    .option('--json', 'print one JSON document at the end instead of the timeline and summary')
    .option('--chaos [seed]', 'deliver events duplicated, delayed and reordered, as EventBridge may (seeded)')
    .option(
      '--drop <rate>',
      "lose this share of event deliveries entirely (seeded with --chaos's seed)",
      rate,
    )
    .option(
      '--crash <rate>',
      'make this share of function invocations die after their first DynamoDB write; events are retried as Lambda would',
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
    .option(
      '--slack-preview <file>',
      'write every Slack message of the run, laid out as Slack shows it, to this HTML file',
    )
    .action(async (options: LocalOptions) => {
      let trace: Awaited<ReturnType<typeof readTraceFile>>;
      try {
        trace = await readInputFile('trace', options.trace, readTraceFile);
      } catch (error) {
        if (error instanceof TraceParseError) throw new CliError(error.message, EXIT.invalidInput);
        throw error;
      }
      const chaosSeed = chaosSeedOf(options.chaos);
      if (options.slackPreview) await preparePreviewFile(options.slackPreview);
      const previews: PreviewMessage[] = [];
      const prices = options.prices
        ? await readInputFile('prices', options.prices, readPriceFile)
        : undefined;
      const policy = options.policy
        ? await readInputFile('policy', options.policy, readPolicyFile)
        : undefined;
      if (options.dataDir) await checkDataDir(options.dataDir);
      const slackWebhookUrl = process.env.SLACK_WEBHOOK_URL;
      const json = options.json ?? false;
      const keepServing = options.keepServing ?? false;
      const sageMakerPort = options.port ?? (keepServing ? DEFAULT_LOCAL_PORTS.sagemaker : undefined);
      const dynamoDbPort = options.dynamodbPort ?? (keepServing ? DEFAULT_LOCAL_PORTS.dynamodb : undefined);
      // With fixed ports, tell where the stack listens (on stderr with --json, so stdout stays one document).
      const announce = (endpoints: LocalEndpoints) => {
        if (sageMakerPort === undefined && dynamoDbPort === undefined) return;
        const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
        say(
          `local stack: SageMaker ${endpoints.sagemaker}, DynamoDB ${endpoints.dynamodb}, table ${endpoints.table}`,
        );
        const defaults =
          sageMakerPort === DEFAULT_LOCAL_PORTS.sagemaker && dynamoDbPort === DEFAULT_LOCAL_PORTS.dynamodb;
        say(
          `  in another terminal: ${defaults ? '' : `AWS_ENDPOINT_URL_SAGEMAKER=${endpoints.sagemaker} AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb} `}poolwarden pools list --local`,
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
      const { report, wallSeconds } = await runLocal({
        trace,
        ...(chaosSeed !== undefined ? { chaosSeed } : {}),
        faults: { drop: options.drop ?? 0, crash: options.crash ?? 0, throttle: options.throttle ?? 0 },
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
        ...(json ? {} : { onLine: (line: string) => console.log(line) }),
        ...(options.slackPreview
          ? {
              onSent: (sent: SentNotification) => {
                const preview = previewOf(sent);
                if (preview) previews.push(preview);
              },
            }
          : {}),
      }).catch(portInUse);
      if (options.slackPreview) {
        await writeFile(
          options.slackPreview,
          slackPreviewHtml(previews, `poolwarden local: ${options.trace}`),
        );
        const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
        say(`Slack preview: ${previews.length} messages in ${options.slackPreview}`);
      }
      if (json) console.log(JSON.stringify(report, null, 2));
      else printLocalSummary(report, wallSeconds, (line) => console.log(line));
      setExit(report.check.ledgerMatchesEmulator ? EXIT.ok : EXIT.failure);
    });
};
