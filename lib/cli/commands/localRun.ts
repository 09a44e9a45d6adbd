import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { printLocalSummary } from '../../../devtools/local/report/localSummary';
import { type LocalEndpoints, type LocalLedger, runLocal } from '../../../devtools/local/runLocal';
import type { PoolChoiceRule } from '../../../devtools/local/sagemaker/poolChoice';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import type { SentNotification } from '../../notify/notifier';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { DEFAULT_LOCAL_PORTS } from '../../wiring/localStack';
import { CliError, EXIT } from '../exitCodes';
import { FILE_PROBLEM_MISSING, fileProblem, readInputFile } from '../inputFiles';
import { wholeNumber } from '../optionParsers';
import { progressBar } from '../output/progress';
import { type PreviewMessage, slackPreviewHtml } from '../output/slackPreview';
import { checkOutputFile, writeOutputFile } from '../outputFiles';

export interface LocalOptions {
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
  timeline?: boolean | string;
  ledger: LocalLedger;
  poolChoice?: PoolChoiceRule;
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

/** `poolwarden local`: replays the trace through the local stack and prints what happened; resolves with the exit code. */
export const runLocalCommand = async (options: LocalOptions): Promise<number> => {
  if (options.ledger === 'memory') {
    const needsTable = [
      options.dataDir !== undefined && '--data-dir',
      options.dynamodbPort !== undefined && '--dynamodb-port',
      options.keepServing && '--keep-serving',
      // A crash is injected at the local DynamoDB (the invocation dies after its first write):
      // with the memory ledger none would happen, and the run would say it survived them.
      (options.crash ?? 0) > 0 && '--crash',
    ].filter((flag): flag is string => typeof flag === 'string');
    if (needsTable.length > 0)
      throw new CliError(
        `${needsTable.join(', ')} needs the local DynamoDB: drop --ledger memory`,
        EXIT.usage,
      );
  }
  if (options.json && options.timeline === true)
    throw new CliError(
      '--timeline without a file prints the timeline, and --json keeps the output for its one document: give --timeline FILE',
      EXIT.usage,
    );
  const trace = await readInputFile('trace', options.trace, readTraceFile);
  const chaosSeed = chaosSeedOf(options.chaos);
  const previews: PreviewMessage[] = [];
  const prices = options.prices ? await readInputFile('prices', options.prices, readPriceFile) : undefined;
  const policy = options.policy ? await readInputFile('policy', options.policy, readPolicyFile) : undefined;
  if (options.dataDir) await checkDataDir(options.dataDir);
  // Where the run's files go is checked before it starts: a bad path would lose a whole replay.
  const timelineFile = typeof options.timeline === 'string' ? options.timeline : undefined;
  if (timelineFile) await checkOutputFile('timeline', timelineFile);
  if (options.slackPreview) await checkOutputFile('Slack preview', options.slackPreview);
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
  const timelineLines: string[] = [];
  let timelineCount = 0;
  const onLine =
    options.timeline === true && !json
      ? (line: string) => console.log(line)
      : timelineFile
        ? (line: string) => {
            timelineCount++;
            timelineLines.push(line);
          }
        : undefined;
  const bar = options.timeline === true && !json ? undefined : progressBar('replaying');
  const { report, wallSeconds } = await runLocal({
    trace,
    ledger: options.ledger,
    ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}),
    ...(chaosSeed !== undefined ? { chaosSeed } : {}),
    faults: { drop: options.drop ?? 0, crash: options.crash ?? 0, throttle: options.throttle ?? 0 },
    ...(options.speed !== undefined ? { speed: options.speed } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(sageMakerPort !== undefined ? { sageMakerPort } : {}),
    ...(dynamoDbPort !== undefined ? { dynamoDbPort } : {}),
    ...(servingUntil
      ? {
          keepServingUntil: servingUntil.then(() => console.error('poolwarden: stopping the local stack')),
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
    ...(options.poolChoice ? { poolChoice: options.poolChoice } : {}),
    ...(onLine
      ? { onLine }
      : {
          onLineCounted: () => {
            timelineCount++;
          },
        }),
    ...(options.slackPreview
      ? {
          onSent: (sent: SentNotification) => {
            const preview = previewOf(sent);
            if (preview) previews.push(preview);
          },
        }
      : {}),
  }).catch(portInUse);
  bar?.done();
  if (timelineFile)
    await writeOutputFile('timeline', timelineFile, timelineLines.map((line) => `${line}\n`).join(''));
  if (options.slackPreview) {
    await writeOutputFile(
      'Slack preview',
      options.slackPreview,
      slackPreviewHtml(previews, `poolwarden local: ${options.trace}`),
    );
    const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
    say(`Slack preview: ${previews.length} messages in ${options.slackPreview}`);
  }
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    printLocalSummary(report, wallSeconds, (line) => console.log(line));
    if (timelineFile) console.log(`timeline             ${timelineCount} lines in ${timelineFile}`);
    else if (options.timeline !== true)
      console.log(
        `timeline             ${timelineCount} lines: --timeline prints them, --timeline FILE writes them`,
      );
  }
  return report.check.ledgerMatchesEmulator ? EXIT.ok : EXIT.failure;
};
