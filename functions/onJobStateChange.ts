import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaTelemetry } from '../lib/adapters/telemetry/lambdaTelemetry';
import { powertoolsTelemetry } from '../lib/adapters/telemetry/powertoolsTelemetry';
import { processJobStateChange } from '../lib/app/processJobStateChange';
import type { Telemetry } from '../lib/ports/telemetry';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';
import type { Runtime } from '../lib/wiring/runtime';
import { ssmMiddleware } from '../lib/wiring/ssmParameters';

/**
 * EventBridge target for `SageMaker Training Job State Change`: records the event in the
 * ledger, then lets the policy and the notifications react. The runtime is built on the
 * first event and kept for the container's life; the local stack passes its own.
 */
export const createHandler = (
  buildRuntime: (telemetry: Telemetry) => Runtime,
  fetchData: Record<string, string> = {},
) => {
  const { logger, metrics } = lambdaTelemetry('onJobStateChange');
  let runtime: Runtime | undefined;
  const handler = middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const ssm = ssmMiddleware(fetchData);
  if (ssm) handler.use(ssm);
  return handler.handler(async (event: unknown, context: Context) => {
    runtime ??= buildRuntime(powertoolsTelemetry(logger, metrics));
    runtime.refresh(context);
    return processJobStateChange(event, runtime.ingestDeps());
  });
};

export const handler = createHandler((telemetry) => lambdaRuntime(telemetry), lambdaSsmFetchData());
