import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
}

const common = (options: AwsClientOptions) => ({
  ...(options.region ? { region: options.region } : {}),
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
});

export const documentClient = (options: AwsClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...common(options),
      maxAttempts: options.maxAttempts ?? 5,
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );

export const sageMakerClient = (options: AwsClientOptions = {}): SageMakerClient =>
  new SageMakerClient({
    ...common(options),
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: 'adaptive',
  });
