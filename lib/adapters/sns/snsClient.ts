import { SNSClient } from '@aws-sdk/client-sns';
import { type ClientTransport, transportSettings, withTransport } from '../awsClients';

export interface SnsClientOptions {
  readonly region?: string;
  /** One HTTP attempt's limit. */
  readonly attemptTimeoutMs: number;
  /** How requests travel, when not over HTTPS to the endpoint (the local stack's in-process path). */
  readonly transport?: ClientTransport;
}

/**
 * One attempt per call: the notifier's retry loop retries, within a time budget the SDK's own
 * retries would not respect. The endpoint comes from the SDK's settings (AWS_ENDPOINT_URL_SNS),
 * which is how the local stack and the tests reach the local SNS endpoint.
 */
export const snsClient = (options: SnsClientOptions): SNSClient =>
  withTransport(
    new SNSClient({
      ...(options.region ? { region: options.region } : {}),
      maxAttempts: 1,
      requestHandler: options.transport?.requestHandler ?? {
        requestTimeout: options.attemptTimeoutMs,
        connectionTimeout: options.attemptTimeoutMs,
        // Without it the handler only logs a warning and the request keeps hanging.
        throwOnRequestTimeout: true,
      },
      ...transportSettings(options.transport),
    }),
    options.transport,
  );
