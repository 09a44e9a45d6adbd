import { type Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LogFields, Telemetry } from '../../ports/telemetry';

/** Keys Powertools' logger keeps for itself and drops from a call's attributes (with only a warning). */
const RESERVED_KEYS = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

/** The fields with each reserved key renamed `<key>Field`, so that nothing a caller logs is dropped. */
export const withoutReservedKeys = (fields: LogFields | undefined): LogFields =>
  Object.fromEntries(
    Object.entries(fields ?? {}).map(([key, value]) => [RESERVED_KEYS.has(key) ? `${key}Field` : key, value]),
  );

/**
 * A line below the logger's level (the local stack logs errors only) is dropped before its fields
 * are copied: lines are logged several times per invocation, and the logger would drop it anyway
 * (no log buffering is configured, lambdaTelemetry.ts).
 */
export const powertoolsTelemetry = (logger: Logger, metrics: Metrics): Telemetry => ({
  info: (message, fields) => {
    if (logger.level <= LogLevelThreshold.INFO) logger.info(message, withoutReservedKeys(fields));
  },
  warn: (message, fields) => {
    if (logger.level <= LogLevelThreshold.WARN) logger.warn(message, withoutReservedKeys(fields));
  },
  error: (message, fields) => logger.error(message, withoutReservedKeys(fields)),
  // Counted even while metrics are off: with none stored, each flush would warn of empty metrics.
  count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
});
