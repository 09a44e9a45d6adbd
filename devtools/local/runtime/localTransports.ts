import type { RuntimeTransport } from '../../../lib/wiring/runtime';
import type { SageMakerEmulator } from '../sagemaker/sageMakerEmulator';
import type { SlackSink } from '../slackSink';
import type { SnsSink } from '../snsSink';
import { inProcessTransport } from './inProcessHandler';
import type { LocalDynamo } from './localDynamo';

/**
 * The functions' AWS clients and Slack webhook, handing their requests to the SageMaker
 * emulator, dynalite, the SNS endpoint and the Slack sink in this process (no dynalite with
 * `--ledger memory`: the stores are in memory instead; no Slack sink with a real webhook).
 */
export const inProcessTransports = (
  emulator: SageMakerEmulator,
  dynamo: LocalDynamo | undefined,
  sns: SnsSink,
  slack: SlackSink | undefined,
): RuntimeTransport => ({
  sagemaker: inProcessTransport(
    (request) =>
      emulator.answer({
        method: request.method,
        target: request.headers['x-amz-target'],
        body: request.body,
      }),
    { cacheMiddleware: true },
  ),
  ...(dynamo ? { dynamodb: inProcessTransport(dynamo.dispatch, { cacheMiddleware: true }) } : {}),
  sns: sns.transport,
  ...(slack ? { slackWebhook: slack.fetch } : {}),
});
