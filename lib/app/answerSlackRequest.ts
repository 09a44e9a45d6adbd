import type { HttpRequest } from '../events/httpApiRequest';
import { type PoolButtonClick, parseSlackInteraction } from '../events/slackInteraction';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackSignature,
} from '../events/slackSignature';
import type { Telemetry } from '../ports/telemetry';
import type { SlackActionOutcome } from './handleSlackAction';

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
 * The HTTP side of Slack's interactivity endpoint. The signature is checked on the raw bytes
 * before anything else reads them: a request that fails gets 401 and changes nothing. A
 * verified click is acted on and answered through its response_url; the HTTP answer is an
 * empty 200, which is all Slack wants (within 3 seconds) for a block action.
 */
export const answerSlackRequest = async (
  request: HttpRequest,
  signingSecret: string | undefined,
  wallClockMs: number,
  act: (click: PoolButtonClick) => Promise<SlackActionOutcome>,
  telemetry: Telemetry,
): Promise<HttpAnswer> => {
  const check = verifySlackSignature(
    {
      timestamp: request.headers[SLACK_TIMESTAMP_HEADER],
      signature: request.headers[SLACK_SIGNATURE_HEADER],
      rawBody: request.rawBody,
    },
    signingSecret,
    wallClockMs,
  );
  if (!check.ok) {
    if (check.reason === 'no-secret')
      telemetry.error('the Slack signing secret is not configured; every request is refused');
    else telemetry.warn('refused a Slack request that failed verification', { reason: check.reason });
    telemetry.count('SlackRequestsRefused');
    return answer(401, 'unverified', 'invalid request signature');
  }
  const parsed = parseSlackInteraction(request.rawBody);
  if (parsed.kind === 'invalid') {
    telemetry.warn('a verified Slack request poolwarden cannot read', { reason: parsed.reason });
    return answer(400, 'invalid', parsed.reason);
  }
  if (parsed.kind === 'ignored') return answer(200, 'ignored');
  const outcome = await act(parsed.click);
  return answer(200, outcome.kind);
};
