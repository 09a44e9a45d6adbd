import type {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import type { IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { errorMessage } from '../../domain/errorMessage';
import { type DeliveryError, permanentFailure, transientFailure } from '../../notify/deliveryError';

/** What the Slack clients throw, as DeliveryErrors: retry server faults, timeouts and 429s; not the rest. */

/**
 * The `code` each error class of @slack/webhook and @slack/web-api sets (their ErrorCode enums).
 * Read by code rather than by class, so that the clients are loaded only when a message is sent
 * (a cold start that sends nothing does not load them).
 */
const SLACK_ERROR_CODES = {
  webhookRequest: 'slack_webhook_request_error',
  webhookHttp: 'slack_webhook_http_error',
  webApiRequest: 'slack_webapi_request_error',
  webApiHttp: 'slack_webapi_http_error',
  webApiPlatform: 'slack_webapi_platform_error',
  webApiRateLimited: 'slack_webapi_rate_limited_error',
} as const;

interface SlackErrors {
  webhookRequest: IncomingWebhookRequestError;
  webhookHttp: IncomingWebhookHTTPError;
  webApiRequest: WebAPIRequestError;
  webApiHttp: WebAPIHTTPError;
  webApiPlatform: WebAPIPlatformError;
  webApiRateLimited: WebAPIRateLimitedError;
}

/** Whether `error` is the Slack client error of that kind. */
export const isSlackError = <K extends keyof SlackErrors>(error: unknown, kind: K): error is SlackErrors[K] =>
  error instanceof Error && 'code' in error && error.code === SLACK_ERROR_CODES[kind];

type Redact = (text: string) => string;

/** Slack sends Retry-After in seconds. */
export const retryAfterMs = (header: string | null | undefined): number | undefined => {
  if (!header || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number.parseInt(header, 10) * 1000;
};

const describe = (error: unknown, redact: Redact): string => redact(errorMessage(error));

export const webhookFailure = (error: unknown, retryAfter: string | null, redact: Redact): DeliveryError => {
  if (isSlackError(error, 'webhookHttp')) {
    if (error.statusCode === 429) {
      return transientFailure('Slack webhook rate-limited the message (HTTP 429)', retryAfterMs(retryAfter));
    }
    if (error.statusCode >= 500) return transientFailure(`Slack webhook answered HTTP ${error.statusCode}`);
    // 4xx bodies name the fault: no_service, invalid_payload, channel_is_archived…
    return permanentFailure(
      `Slack webhook answered HTTP ${error.statusCode}: ${redact(error.body).slice(0, 200)}`,
    );
  }
  if (isSlackError(error, 'webhookRequest')) {
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
  if (isSlackError(error, 'webApiRateLimited')) {
    return transientFailure('Slack API rate-limited the call (HTTP 429)', error.retryAfter * 1000);
  }
  if (isSlackError(error, 'webApiHttp')) {
    return error.statusCode >= 500
      ? transientFailure(`Slack API answered HTTP ${error.statusCode}`)
      : permanentFailure(`Slack API answered HTTP ${error.statusCode}`);
  }
  if (isSlackError(error, 'webApiRequest')) {
    return transientFailure(`Slack API unreachable: ${describe(error.original, redact)}`);
  }
  if (isSlackError(error, 'webApiPlatform')) {
    const code = error.data.error;
    return TRANSIENT_PLATFORM_ERRORS.has(code)
      ? transientFailure(`Slack API error: ${code}`)
      : permanentFailure(`Slack API error: ${code}`);
  }
  return permanentFailure(`Slack API: ${describe(error, redact)}`);
};
