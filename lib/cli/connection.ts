import { readPriceFile } from '../adapters/prices/readPriceFile';
import { DEFAULT_PRICES, type PriceTable } from '../domain/prices';
import type { Clock } from '../ports/clock';
import type { PoolwardenConfig } from '../wiring/config/config';
import { loadConfig } from '../wiring/config/loadConfig';
import {
  DEFAULT_LOCAL_PORTS,
  LOCAL_CLOCK_OPERATION,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_TABLE,
} from '../wiring/localStack';
import { type OpsDependencies, opsDependencies } from '../wiring/opsDependencies';
import { type ErrorContext, explainAwsError } from './awsErrors';
import type { ConnectionFlags } from './connectionOptions';
import { CliError, EXIT } from './exitCodes';
import { readInputFile } from './inputFiles';
import { DEFAULT_STAGE, stageKillSwitchParameter, stageTableName } from './stageResources';

/** Everything a command reads and acts through, built from the flags. */
export interface Connection extends OpsDependencies {
  readonly table: string;
  /** The one configuration, from the environment, with the table the flags chose. */
  readonly config: PoolwardenConfig;
  readonly context: ErrorContext;
  readonly clock: Clock;
  readonly prices: PriceTable;
  /** Runs AWS work, turning known SDK errors into one clear line and an exit code. */
  guard<T>(work: () => Promise<T>): Promise<T>;
}

/** The local stack runs in virtual time: ask its SageMaker emulator what time it is there. */
const localClock = async (sagemakerEndpoint: string, context: ErrorContext): Promise<Clock> => {
  let nowMs: number;
  try {
    const response = await fetch(sagemakerEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `SageMaker.${LOCAL_CLOCK_OPERATION}`,
      },
      body: '{}',
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { NowMs?: unknown };
    if (typeof body.NowMs !== 'number') throw new Error('no NowMs in the answer');
    nowMs = body.NowMs;
  } catch (error) {
    throw (
      explainAwsError(Object.assign(new Error(String(error)), { code: 'ECONNREFUSED' }), context) ??
      new CliError(String(error), EXIT.unreachable)
    );
  }
  const fetchedAt = Date.now();
  return { now: () => nowMs + (Date.now() - fetchedAt) };
};

export const connect = async (
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Connection> => {
  const local = flags.local ?? false;
  const stage = flags.stage ?? DEFAULT_STAGE;
  const table = flags.table ?? (local ? LOCAL_TABLE : (env.POOLWARDEN_TABLE ?? stageTableName(stage)));
  const endpoints = local
    ? {
        dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB ?? `http://127.0.0.1:${DEFAULT_LOCAL_PORTS.dynamodb}`,
        sagemaker: env.AWS_ENDPOINT_URL_SAGEMAKER ?? `http://127.0.0.1:${DEFAULT_LOCAL_PORTS.sagemaker}`,
      }
    : undefined;
  // The SDK's default chain reads the profile from the environment (fromIni).
  if (flags.profile && !local) process.env.AWS_PROFILE = flags.profile;
  const region = local ? LOCAL_REGION : (flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
  const context: ErrorContext = {
    table,
    local,
    ...(region ? { region } : {}),
    ...(endpoints ? { endpoints } : {}),
    ...(flags.profile && !local ? { profile: flags.profile } : {}),
  };
  const clock = endpoints ? await localClock(endpoints.sagemaker, context) : { now: () => Date.now() };
  const prices = flags.prices ? await readInputFile('prices', flags.prices, readPriceFile) : DEFAULT_PRICES;
  // A stage's table goes with the stage's kill switch, as deployed (serverless.yml).
  const killSwitchParam =
    !local && !env.POOLWARDEN_KILL_SWITCH_PARAM && table === stageTableName(stage)
      ? { POOLWARDEN_KILL_SWITCH_PARAM: stageKillSwitchParameter(stage) }
      : {};
  const config = loadConfig({ ...env, POOLWARDEN_TABLE: table, ...killSwitchParam });
  const aws = {
    ...(region ? { region } : {}),
    ...(local ? { credentials: LOCAL_CREDENTIALS } : {}),
    ...(endpoints ? { endpoints } : {}),
  };
  return {
    table,
    config,
    context,
    ...opsDependencies(config, aws, clock),
    clock,
    prices,
    async guard<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (error) {
        throw explainAwsError(error, context) ?? error;
      }
    },
  };
};
