import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import type { Telemetry } from '../../lib/ports/telemetry';
import { PolicySource } from '../../lib/wiring/policySource';

const recording = () => {
  const errors: Array<Record<string, unknown> | undefined> = [];
  const telemetry: Telemetry = {
    info: () => {},
    warn: () => {},
    error: (_m, f) => errors.push(f),
    count: () => {},
  };
  return { telemetry, errors };
};

describe('PolicySource', () => {
  it('takes a valid policy text, and keeps the last valid one when a broken text arrives', () => {
    const { telemetry, errors } = recording();
    const source = new PolicySource(telemetry);
    const first = source.update('version: 1\ndryRun: true\n', '/poolwarden/prod/policy');
    expect(first.policy.dryRun).toBe(true);
    const broken = source.update(
      'version: 1\ndefaults: { idle: { insideWorkingHourz: 1h } }\n',
      '/poolwarden/prod/policy',
    );
    expect(broken).toEqual(first);
    expect(String(errors[0]?.errors)).toMatch(/insideWorkingHourz/);
  });

  it('forces a dry run when the first text it ever sees is broken', () => {
    const source = new PolicySource(recording().telemetry);
    expect(source.update('version: 1\nrules: 3\n', 'p')).toEqual({
      policy: DEFAULT_POLICY,
      forceDryRun: true,
    });
  });
});
