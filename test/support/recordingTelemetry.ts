import type { Telemetry } from '../../lib/ports/telemetry';

/** A Telemetry that keeps the metrics counted and the errors logged, for a test to read. */
export const recordingTelemetry = () => {
  const counts = new Map<string, number>();
  const errors: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
  const telemetry: Telemetry = {
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
    count: (metric, value = 1) => counts.set(metric, (counts.get(metric) ?? 0) + value),
  };
  return { telemetry, counts, errors };
};
