import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { powertoolsTelemetry } from '../../lib/adapters/telemetry/powertoolsTelemetry';

/** What the logger prints while `run` runs. */
const printed = (run: () => void): string[] => {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines;
};

describe('powertoolsTelemetry', () => {
  it('prints each line at or above the logger level, and only those', () => {
    const atInfo = powertoolsTelemetry(
      new Logger({ serviceName: 'poolwarden', logLevel: 'INFO' }),
      new Metrics({ namespace: 'poolwarden' }),
    );
    const atError = powertoolsTelemetry(
      new Logger({ serviceName: 'poolwarden', logLevel: 'ERROR' }),
      new Metrics({ namespace: 'poolwarden' }),
    );
    const lines = printed(() => {
      for (const telemetry of [atInfo, atError]) {
        telemetry.info('an info line', { level: 'kept' });
        telemetry.warn('a warning');
        telemetry.error('an error');
      }
    });
    expect(lines.map((line) => JSON.parse(line).message)).toEqual([
      'an info line',
      'a warning',
      'an error',
      'an error',
    ]);
    // A reserved key is renamed, not dropped.
    expect(JSON.parse(lines[0] ?? '{}').levelField).toBe('kept');
  });
});
