import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { receiveSlackRequest } from '../lib/app/receiveSlackRequest';
import { clickCallsForSweep } from '../lib/app/sweepWakes';
import { withinBudget } from '../lib/app/withinBudget';
import type { HttpRequest } from '../lib/events/httpApiRequest';
import { httpRequestOf } from '../lib/events/httpApiRequest';
import type { PoolButtonClick } from '../lib/events/slackInteraction';
import { handleSlackAction } from '../lib/notify/handleSlackAction';
import { systemClock } from '../lib/ports/clock';
import type { Telemetry } from '../lib/ports/telemetry';
import { lambdaHandler, type RuntimeBuilder } from '../lib/wiring/lambdaHandler';
import { lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';
import { type SlackActionsRuntime, slackActionsLambdaRuntime } from '../lib/wiring/slackActionsRuntime';

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Tells curl users (and tests) what happened; Slack ignores it. */
export const OUTCOME_HEADER = 'x-poolwarden-outcome';

const answer = (statusCode: number, outcome: string, body = ''): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', [OUTCOME_HEADER]: outcome },
  body,
});

/**
 * The HTTP side of the endpoint: 401 for a request that fails verification, 400 for a verified
 * one poolwarden cannot read, and for a click an empty 200, which is all Slack wants (within
 * 3 seconds) for a block action: the real answer goes through the click's response_url.
 */
export const answerSlackRequest = async (
  request: HttpRequest,
  signingSecret: string | undefined,
  wallClockMs: number,
  act: (click: PoolButtonClick) => Promise<{ readonly kind: string }>,
  telemetry: Telemetry,
): Promise<HttpAnswer> => {
  const result = await receiveSlackRequest(request, signingSecret, wallClockMs, act, telemetry);
  switch (result.kind) {
    case 'unverified':
      return answer(401, 'unverified', 'invalid request signature');
    case 'invalid':
      return answer(400, 'invalid', result.reason);
    case 'ignored':
      return answer(200, 'ignored');
    case 'handled':
      return answer(200, result.outcome);
  }
};

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
      // Slack counts its 3 s from sending the click: the budget starts when API Gateway received it.
      const deps = runtime.actionDeps(event.requestContext?.timeEpoch);
      // Slack signs with the wall clock, whatever clock the actions run on (the local stack's is virtual).
      return answerSlackRequest(
        httpRequestOf(event),
        runtime.secret(),
        systemClock.now(),
        async (click) => {
          const outcome = await runtime.runtime.wakeNextIfThrows(() => handleSlackAction(deps, click));
          // A click that changed the ledger: the next minute's sweep reads it. Slack's answer does
          // not wait past its budget for the wake (the backstop sweeps if it was not set).
          if (clickCallsForSweep(outcome))
            await withinBudget(runtime.runtime.askNextWake(), deps.answerLeftMs?.());
          return outcome;
        },
        telemetry,
      );
    },
  );

export const handler = createHandler(slackActionsLambdaRuntime, lambdaSsmFetchData({ signingSecret: true }));
