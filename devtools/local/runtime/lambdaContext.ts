import type { Context } from 'aws-lambda';

/** The deployed sweep's timeout (serverless.yml; a test holds them equal): the local sweep's time budget. */
export const SWEEP_TIMEOUT_MS = 58_000;

/** A Lambda context; `remainingMs` tells the time left (in the local stack, of virtual time), else 30 s. */
export const lambdaContext = (
  functionName = 'poolwarden-test',
  remainingMs: () => number = () => 30_000,
): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: remainingMs,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});
