import type { HttpRequest } from '../events/httpApiRequest';
import { type PoolButtonClick, parseSlackInteraction } from '../events/slackInteraction';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackSignature,
} from '../events/slackSignature';
import type { Telemetry } from '../ports/telemetry';

/** What became of one request to Slack's interactivity endpoint. */
export type SlackRequestResult =
  | { readonly kind: 'unverified' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'handled'; readonly outcome: string };

/**
 * A request to Slack's interactivity endpoint. The signature is checked on the raw bytes
 * before anything else reads them: a request that fails changes nothing. A verified click is
 * handed to `act`, which acts and answers through the click's response_url.
 */
export const receiveSlackRequest = async (
  request: HttpRequest,
  signingSecret: string | undefined,
  wallClockMs: number,
  act: (click: PoolButtonClick) => Promise<{ readonly kind: string }>,
  telemetry: Telemetry,
): Promise<SlackRequestResult> => {
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
    return { kind: 'unverified' };
  }
  const parsed = parseSlackInteraction(request.rawBody);
  if (parsed.kind === 'invalid') {
    telemetry.warn('a verified Slack request poolwarden cannot read', { reason: parsed.reason });
    return { kind: 'invalid', reason: parsed.reason };
  }
  if (parsed.kind === 'ignored') return { kind: 'ignored' };
  const outcome = await act(parsed.click);
  return { kind: 'handled', outcome: outcome.kind };
};
