import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The AWS clients, built once per container. Endpoints come from the SDK's own settings
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SAGEMAKER), which is how the local stack and the
 * integration tests point them at loopback. Throttling is left to the SDK's retry strategies:
 * adaptive for SageMaker, whose UpdateTrainingJob rate quota is low.
 */
export interface AwsClientOptions {
  readonly region?: string;
  readonly maxAttempts?: number;
  /** An explicit endpoint (the CLI's --local); otherwise the SDK's own settings decide. */
  readonly endpoint?: string;
  /** Explicit credentials (the local stack's, an assumed role's); otherwise the SDK's default chain. */
  readonly credentials?: SageMakerClientConfig['credentials'];
  /** How requests travel, when not over HTTPS to the endpoint (the local stack's in-process path). */
  readonly transport?: ClientTransport;
}

/** The SDK's own extension points for the way a request is signed and sent. */
export interface ClientTransport {
  readonly requestHandler: NonNullable<DynamoDBClientConfig['requestHandler']>;
  readonly httpAuthSchemes: NonNullable<DynamoDBClientConfig['httpAuthSchemes']>;
  /** Client middleware, by name, that this way of sending makes pointless (none over HTTPS). */
  readonly withoutMiddleware?: readonly string[];
  /**
   * The SDK's `cacheMiddleware`: resolve each command class's middleware stack once, not per call.
   * Not for the DynamoDB document client, whose cached handler would keep the first command's input.
   */
  readonly cacheMiddleware?: boolean;
}

/** Removes the client middleware that `transport` makes pointless. */
export const withTransport = <C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
  transport: ClientTransport | undefined,
): C => {
  for (const name of transport?.withoutMiddleware ?? []) client.middlewareStack.remove(name);
  return client;
};

const trimmed = <C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
  options: AwsClientOptions,
): C => withTransport(client, options.transport);

/** The client settings a transport carries beside its request handler. */
export const transportSettings = (transport: ClientTransport | undefined) =>
  transport
    ? {
        httpAuthSchemes: transport.httpAuthSchemes,
        ...(transport.cacheMiddleware ? { cacheMiddleware: true } : {}),
      }
    : {};

const common = (options: AwsClientOptions) => ({
  ...(options.region ? { region: options.region } : {}),
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
  ...(options.transport ? { requestHandler: options.transport.requestHandler } : {}),
  ...transportSettings(options.transport),
});

export const documentClient = (options: AwsClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    trimmed(
      new DynamoDBClient({
        ...common(options),
        // The document client's commands marshal their input in per-command middleware, which a
        // cached chain would keep from the first command (ClientTransport.cacheMiddleware).
        cacheMiddleware: false,
        maxAttempts: options.maxAttempts ?? 5,
      }),
      options,
    ),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );

export const sageMakerClient = (options: AwsClientOptions = {}): SageMakerClient =>
  trimmed(
    new SageMakerClient({
      ...common(options),
      maxAttempts: options.maxAttempts ?? 6,
      // The SDK's own AWS_RETRY_MODE setting wins, as its endpoint settings do.
      ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
    }),
    options,
  );
