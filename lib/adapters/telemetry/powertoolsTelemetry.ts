import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from '../../ports/telemetry';

export const powertoolsTelemetry = (logger: Logger, metrics: Metrics): Telemetry => ({
  info: (message, fields) => logger.info(message, { ...fields }),
  warn: (message, fields) => logger.warn(message, { ...fields }),
  error: (message, fields) => logger.error(message, { ...fields }),
  count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
});
