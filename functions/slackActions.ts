import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaTelemetry } from '../lib/adapters/telemetry/lambdaTelemetry';
import { powertoolsTelemetry } from '../lib/adapters/telemetry/powertoolsTelemetry';
import { answerSlackRequest } from '../lib/app/answerSlackRequest';
import { handleSlackAction } from '../lib/app/handleSlackAction';
import { httpRequestOf } from '../lib/events/httpApiRequest';
import { systemClock } from '../lib/ports/clock';
import type { Telemetry } from '../lib/ports/telemetry';
import { lambdaRuntime } from '../lib/wiring/lambdaRuntime';
import { SlackActionsRuntime, slackActionsSsmFetchData } from '../lib/wiring/slackActionsRuntime';
import { ssmMiddleware } from '../lib/wiring/ssmParameters';

/**
 * `POST /slack/actions` (API Gateway HTTP API): Slack's interactivity endpoint for the pool
 * buttons. Verifies Slack's signature on the raw body, then lets the owner or an admin extend,
 * stop, keep or snooze the pool, and answers within Slack's 3 seconds.
 */
export const createHandler = (
  build: (telemetry: Telemetry) => SlackActionsRuntime,
  fetchData: Record<string, string> = {},
) => {
  const { logger, metrics } = lambdaTelemetry('slackActions');
  let runtime: SlackActionsRuntime | undefined;
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const ssm = ssmMiddleware(fetchData);
  if (ssm) handler.use(ssm);
  return handler.handler(
    async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
      const telemetry = powertoolsTelemetry(logger, metrics);
      runtime ??= build(telemetry);
      runtime.refresh(context);
      const deps = runtime.actionDeps();
      // Slack signs with the wall clock, whatever clock the actions run on (the local stack's is virtual).
      return answerSlackRequest(
        httpRequestOf(event),
        runtime.secret(),
        systemClock.now(),
        (click) => handleSlackAction(deps, click),
        telemetry,
      );
    },
  );
};

export const handler = createHandler(
  (telemetry) => new SlackActionsRuntime(lambdaRuntime(telemetry), telemetry),
  slackActionsSsmFetchData(),
);
