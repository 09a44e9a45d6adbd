import type { Command } from 'commander';
import { DEFAULT_LOCAL_PORTS } from '../wiring/localStack';
import { DEFAULT_STAGE } from './stageResources';

/**
 * The AWS-facing commands' flags, apart from the connection itself (connection.ts), so that
 * declaring the commands for `--help` loads no AWS SDK.
 */

export { DEFAULT_LOCAL_PORTS };

export interface ConnectionFlags {
  readonly table?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly local?: boolean;
  readonly prices?: string;
}

/** The options every AWS-facing command takes. */
export const withConnectionOptions = (command: Command): Command =>
  command
    .option('--table <name>', 'the ledger table (default: $POOLWARDEN_TABLE, else poolwarden-<stage>-ledger)')
    .option('--stage <stage>', 'the deployed stage, for the default table name', DEFAULT_STAGE)
    .option('--region <region>', "the AWS region (default: the SDK's, from AWS_REGION or the profile)")
    .option(
      '--profile <name>',
      'a named AWS profile from ~/.aws/config (default: the standard credential chain)',
    )
    .option(
      '--local',
      `use the local stack (poolwarden local --keep-serving): $AWS_ENDPOINT_URL_SAGEMAKER / _DYNAMODB, else ports ${DEFAULT_LOCAL_PORTS.sagemaker} and ${DEFAULT_LOCAL_PORTS.dynamodb} on 127.0.0.1`,
    )
    .option('--prices <file>', 'a JSON file of hourly instance prices overriding the built-in table');
