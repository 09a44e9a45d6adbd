import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** One logger and one metrics sink per function, named for it. */
export const lambdaTelemetry = (functionName: string) => ({
  logger: new Logger({ serviceName: 'poolwarden', persistentKeys: { function: functionName } }),
  metrics: new Metrics({ namespace: 'poolwarden', serviceName: 'poolwarden' }),
});
