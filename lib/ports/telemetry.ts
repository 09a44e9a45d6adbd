/** Structured logs and counters, so application code needs no logging library. */
export type LogFields = Record<string, unknown>;

export interface Telemetry {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  count(metric: string, value?: number): void;
}

export const silentTelemetry: Telemetry = {
  info: () => {},
  warn: () => {},
  error: () => {},
  count: () => {},
};
