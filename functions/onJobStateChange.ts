import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { lambdaTelemetry } from '../lib/adapters/telemetry/lambdaTelemetry';
import { powertoolsTelemetry } from '../lib/adapters/telemetry/powertoolsTelemetry';
import { type ProcessDeps, processJobStateChange } from '../lib/app/processJobStateChange';
import { loadCoreConfig } from '../lib/config';
import { ingestDependencies } from '../lib/ingestDependencies';
import type { Telemetry } from '../lib/ports/telemetry';

/**
 * EventBridge target for `SageMaker Training Job State Change`. Dependencies are built on the
 * first event and kept for the container's life; the local stack passes its own builder.
 */
export const createHandler = (buildDeps: (telemetry: Telemetry) => ProcessDeps) => {
  const { logger, metrics } = lambdaTelemetry('onJobStateChange');
  let deps: ProcessDeps | undefined;
  return middy()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event: unknown) => {
      deps ??= buildDeps(powertoolsTelemetry(logger, metrics));
      return processJobStateChange(event, deps);
    });
};

export const handler = createHandler((telemetry) =>
  ingestDependencies(loadCoreConfig(process.env), { telemetry }),
);
