import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { errorMessage } from '../../domain/errorMessage';
import { type DeliveryError, permanentFailure, transientFailure } from '../../notify/deliveryError';

/** What the Slack clients throw, as DeliveryErrors: retry server faults, timeouts and 429s; not the rest. */

type Redact = (text: string) => string;

/** Slack sends Retry-After in seconds. */
export const retryAfterMs = (header: string | null | undefined): number | undefined => {
  if (!header || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number.parseInt(header, 10) * 1000;
};

const describe = (error: unknown, redact: Redact): string => redact(errorMessage(error));

export const webhookFailure = (error: unknown, retryAfter: string | null, redact: Redact): DeliveryError => {
  if (error instanceof IncomingWebhookHTTPError) {
    if (error.statusCode === 429) {
      return transientFailure('Slack webhook rate-limited the message (HTTP 429)', retryAfterMs(retryAfter));
    }
    if (error.statusCode >= 500) return transientFailure(`Slack webhook answered HTTP ${error.statusCode}`);
    // 4xx bodies name the fault: no_service, invalid_payload, channel_is_archived…
    return permanentFailure(
      `Slack webhook answered HTTP ${error.statusCode}: ${redact(error.body).slice(0, 200)}`,
    );
  }
  if (error instanceof IncomingWebhookRequestError) {
    return transientFailure(`Slack webhook unreachable: ${describe(error.original, redact)}`);
  }
  return permanentFailure(`Slack webhook: ${describe(error, redact)}`);
};

/** Platform errors Slack documents as passing. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

export const webApiFailure = (error: unknown, redact: Redact): DeliveryError => {
  if (error instanceof WebAPIRateLimitedError) {
    return transientFailure('Slack API rate-limited the call (HTTP 429)', error.retryAfter * 1000);
  }
  if (error instanceof WebAPIHTTPError) {
    return error.statusCode >= 500
      ? transientFailure(`Slack API answered HTTP ${error.statusCode}`)
      : permanentFailure(`Slack API answered HTTP ${error.statusCode}`);
  }
  if (error instanceof WebAPIRequestError) {
    return transientFailure(`Slack API unreachable: ${describe(error.original, redact)}`);
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return TRANSIENT_PLATFORM_ERRORS.has(code)
      ? transientFailure(`Slack API error: ${code}`)
      : permanentFailure(`Slack API error: ${code}`);
  }
  return permanentFailure(`Slack API: ${describe(error, redact)}`);
};
