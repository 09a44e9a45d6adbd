import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { powertoolsTelemetry } from '../../lib/adapters/telemetry/powertoolsTelemetry';
import { printedLines } from '../support/printedLines';

describe('powertoolsTelemetry', () => {
  it('prints each line at or above the logger level, and only those', async () => {
    const atInfo = powertoolsTelemetry(
      new Logger({ serviceName: 'poolwarden', logLevel: 'INFO' }),
      new Metrics({ namespace: 'poolwarden' }),
    );
    const atError = powertoolsTelemetry(
      new Logger({ serviceName: 'poolwarden', logLevel: 'ERROR' }),
      new Metrics({ namespace: 'poolwarden' }),
    );
    const lines = await printedLines(() => {
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
