import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
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
}

export const documentClient = (options: AwsClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(options.region ? { region: options.region } : {}),
      maxAttempts: options.maxAttempts ?? 5,
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );

export const sageMakerClient = (options: AwsClientOptions = {}): SageMakerClient =>
  new SageMakerClient({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: 'adaptive',
  });
