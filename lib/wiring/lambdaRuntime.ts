import type { Telemetry } from '../ports/telemetry';
import type { PoolwardenConfig } from './config/config';
import { readConfig } from './config/loadConfig';
import { Runtime } from './runtime';
import { ssmFetchData } from './ssmParameters';

/**
 * A deployed function's configuration, parsed once when its module loads. Reading never
 * throws there: a bad variable fails the first invocation instead, with every problem named.
 */
const deployed = readConfig(process.env);

const deployedConfig = (): PoolwardenConfig => {
  if (!deployed.ok) throw deployed.error;
  return deployed.config;
};

export const lambdaRuntime = (telemetry: Telemetry): Runtime =>
  new Runtime({ config: deployedConfig(), telemetry });

/** What the ssm middleware fetches for a deployed function; the Slack actions one adds its signing secret. */
export const lambdaSsmFetchData = (options: { signingSecret: boolean } = { signingSecret: false }) =>
  deployed.ok ? ssmFetchData(deployed.config, options) : {};
