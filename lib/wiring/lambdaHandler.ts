import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaTelemetry } from '../adapters/telemetry/lambdaTelemetry';
import { powertoolsTelemetry } from '../adapters/telemetry/powertoolsTelemetry';
import type { Telemetry } from '../ports/telemetry';
import type { Runtime } from './runtime';
import { ssmMiddleware } from './ssmParameters';

/** What a function keeps for its container's life, refreshed with what middy fetched for each invocation. */
export interface Refreshable {
  refresh(context: object): void;
}

export type RuntimeBuilder<TRuntime extends Refreshable = Runtime> = (telemetry: Telemetry) => TRuntime;

/**
 * The shape every poolwarden function shares: Powertools logs and metrics, the SSM parameters
 * it reads at run time, and a runtime built on the first invocation and kept for the
 * container's life. The local stack passes its own runtime builder; Lambda the default one.
 */
export const lambdaHandler = <TEvent, TResult, TRuntime extends Refreshable = Runtime>(
  functionName: string,
  buildRuntime: RuntimeBuilder<TRuntime>,
  fetchData: Record<string, string>,
  body: (event: TEvent, context: Context, runtime: TRuntime, telemetry: Telemetry) => Promise<TResult>,
) => {
  const { logger, metrics } = lambdaTelemetry(functionName);
  const telemetry = powertoolsTelemetry(logger, metrics);
  let runtime: TRuntime | undefined;
  const handler = middy<TEvent, TResult, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
  const ssm = ssmMiddleware(fetchData);
  if (ssm) handler.use(ssm);
  return handler.handler(async (event, context) => {
    runtime ??= buildRuntime(telemetry);
    runtime.refresh(context);
    return body(event, context, runtime, telemetry);
  });
};
