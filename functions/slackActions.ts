import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerSlackRequest } from '../lib/app/answerSlackRequest';
import { handleSlackAction } from '../lib/app/handleSlackAction';
import { httpRequestOf } from '../lib/events/httpApiRequest';
import { systemClock } from '../lib/ports/clock';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaSsmFetchData, slackActionsLambdaRuntime } from '../lib/wiring/lambdaRuntime';
import type { SlackActionsRuntime } from '../lib/wiring/slackActionsRuntime';

/**
 * `POST /slack/actions` (API Gateway HTTP API): Slack's interactivity endpoint for the pool
 * buttons. Verifies Slack's signature on the raw body, then lets the owner or an admin extend,
 * stop, keep or snooze the pool, and answers within Slack's 3 seconds.
 */
export const createHandler = (
  build: RuntimeBuilder<SlackActionsRuntime>,
  fetchData: Record<string, string> = {},
) =>
  lambdaHandler(
    'slackActions',
    build,
    fetchData,
    async (
      event: APIGatewayProxyEventV2,
      _context,
      runtime,
      telemetry,
    ): Promise<APIGatewayProxyStructuredResultV2> => {
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

export const handler = createHandler(slackActionsLambdaRuntime, lambdaSsmFetchData({ signingSecret: true }));
