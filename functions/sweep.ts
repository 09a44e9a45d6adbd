import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaTelemetry } from '../lib/adapters/telemetry/lambdaTelemetry';
import { powertoolsTelemetry } from '../lib/adapters/telemetry/powertoolsTelemetry';
import { sweep } from '../lib/app/sweep';
import type { Telemetry } from '../lib/ports/telemetry';
import { lambdaRuntime, lambdaSsmFetchData } from '../lib/wiring/lambdaRuntime';
import type { Runtime } from '../lib/wiring/runtime';
import { ssmMiddleware } from '../lib/wiring/ssmParameters';

/** Scheduled every minute: reconcile the Available pools with SageMaker and apply the policy. */
export const createHandler = (
  buildRuntime: (telemetry: Telemetry) => Runtime,
  fetchData: Record<string, string> = {},
) => {
  const { logger, metrics } = lambdaTelemetry('sweep');
  let runtime: Runtime | undefined;
  const handler = middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const ssm = ssmMiddleware(fetchData);
  if (ssm) handler.use(ssm);
  return handler.handler(async (_event: unknown, context: Context) => {
    runtime ??= buildRuntime(powertoolsTelemetry(logger, metrics));
    runtime.refresh(context);
    const report = await sweep(runtime.sweepDeps(() => context.getRemainingTimeInMillis()));
    logger.info('sweep finished', { ...report });
    return report;
  });
};

export const handler = createHandler((telemetry) => lambdaRuntime(telemetry), lambdaSsmFetchData());
