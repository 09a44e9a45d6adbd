import { describe, expect, it } from 'vitest';
import { buildLocalReport, type ReportInputs } from '../../devtools/local/report/localReport';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_PRICES } from '../../lib/domain/prices';

const inputs = (records: readonly JobRecord[]): ReportInputs => ({
  home: { account: '123456789012', region: 'us-east-1' },
  jobNames: records.map((r) => r.name),
  records,
  emulatorJobs: [],
  emulatorPools: [],
  coldStartupSeconds: 143,
  prices: DEFAULT_PRICES,
  actions: [],
  notifications: [],
  baseline: { reuses: 0, coldStarts: 0, idleBillableSeconds: 0, idleCostUsd: 0 },
  delivery: {
    eventsPublished: 0,
    deliveries: 0,
    extraCopies: 0,
    rejected: 0,
    stale: 0,
    deadLettered: 0,
    sweeps: 0,
    sweepsFailed: 0,
    dropped: 0,
    crashed: 0,
    throttled: 0,
  },
  waitingValuePerHourUsd: 90,
  api: { sagemaker: {}, dynamodb: {} },
});

describe('the local report checks the ledger against the emulator', () => {
  it('calls an action never finished a mismatch: what SageMaker did with it is missing from the audit', () => {
    const stranded: JobRecord = {
      name: 'job-a',
      pendingAction: {
        dedupeKey: 'stop#1',
        action: 'stop',
        keepAliveSeconds: 0,
        actor: 'policy:defaults',
        reason: 'idle',
        atMs: 1,
      },
    };
    const report = buildLocalReport(inputs([stranded]));
    expect(report.check.ledgerMatchesEmulator).toBe(false);
    expect(report.check.mismatches).toEqual([
      'job-a: its stop by policy:defaults was never finished (no outcome in the audit)',
    ]);
    expect(buildLocalReport(inputs([{ name: 'job-a' }])).check).toEqual({
      ledgerMatchesEmulator: true,
      mismatches: [],
    });
  });
});
