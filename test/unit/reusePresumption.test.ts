import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../lib/domain/jobRecord';
import {
  isPresumedTaken,
  mayPresume,
  presumedBillableSeconds,
  presumedObservation,
  presumptionVerdict,
} from '../../lib/domain/reusePresumption';
import type { JobSnapshot } from '../../lib/domain/trainingJob';

const ENDED_AT = Date.parse('2026-03-02T12:00:00Z');

const taker = (name: string, createdAtMs: number): JobSnapshot =>
  ({ name, createdAtMs, lastModifiedMs: createdAtMs, status: 'InProgress' }) as JobSnapshot;

const available = (
  extra: Partial<NonNullable<JobRecord['pool']>> = {},
  more: Partial<JobRecord> = {},
): JobRecord => ({
  name: 'giver',
  pool: {
    status: 'Available',
    observedAtMs: ENDED_AT,
    availableSinceMs: ENDED_AT,
    expiresAtMs: ENDED_AT + 3_600_000,
    ...extra,
  },
  ...more,
});

describe('the reuse presumption (lib/domain/reusePresumption.ts)', () => {
  it('bills the seconds the pool sat Available until the job was created, in whole seconds, as SageMaker does', () => {
    const seen = presumedObservation(
      available().pool ?? { status: 'Available', observedAtMs: 0 },
      taker('taker', ENDED_AT + 95_999),
    );
    expect(seen).toEqual({ status: 'Reused', reusedByJob: 'taker', billableSeconds: 95 });
    expect(
      presumedBillableSeconds({
        status: 'Available',
        observedAtMs: 0,
        availableSinceMs: ENDED_AT,
        presumedTakenBy: 'taker',
        presumedAtMs: ENDED_AT + 95_999,
      }),
    ).toBe(95);
    expect(
      presumedBillableSeconds({ status: 'Available', observedAtMs: 0, availableSinceMs: ENDED_AT }),
    ).toBeUndefined();
  });

  it('presumes only an Available pool of known age, not marked by another job, with no action in flight', () => {
    const job = taker('taker', ENDED_AT + 60_000);
    expect(mayPresume(available(), job)).toBe(true);
    // The same job again (a retry of its start event): the presumption is made again, idempotently.
    expect(mayPresume(available({ presumedTakenBy: 'taker' }), job)).toBe(true);
    expect(mayPresume(available({ presumedTakenBy: 'other' }), job)).toBe(false);
    expect(mayPresume(available({ availableSinceMs: undefined } as never), job)).toBe(false);
    expect(mayPresume(available({ availableSinceMs: job.createdAtMs + 1 }), job)).toBe(false);
    expect(mayPresume(available({ status: 'Reused' }), job)).toBe(false);
    // A cluster SageMaker keeps no pool for takes none either.
    expect(mayPresume(available(), { ...job, spot: true })).toBe(false);
    expect(mayPresume(available(), { ...job, heterogeneous: true })).toBe(false);
    const pending = {
      dedupeKey: 'k',
      action: 'stop',
      keepAliveSeconds: 0,
      actor: 'policy:x',
      reason: 'r',
      atMs: 0,
    } as const;
    expect(mayPresume(available({}, { pendingAction: pending }), job)).toBe(false);
    // A stop SageMaker accepted: the pool may be gone; it is described.
    expect(mayPresume(available({ stoppedBy: 'policy:x', expiresAtMs: ENDED_AT }), job)).toBe(false);
  });

  it('a marked pool is presumed taken only while the ledger still holds it Available', () => {
    expect(isPresumedTaken(available({ presumedTakenBy: 'taker' }))).toBe(true);
    expect(isPresumedTaken(available())).toBe(false);
    expect(isPresumedTaken(available({ status: 'Reused', presumedTakenBy: 'taker' }))).toBe(false);
  });

  it("SageMaker's word confirms it only when the pool is Reused by the job presumed", () => {
    expect(presumptionVerdict('taker', { status: 'Reused', reusedByJob: 'taker' })).toBe('confirmed');
    expect(presumptionVerdict('taker', { status: 'Reused', reusedByJob: 'other' })).toBe('wrong');
    expect(presumptionVerdict('taker', { status: 'Available' })).toBe('wrong');
    expect(presumptionVerdict('taker', { status: 'Terminated' })).toBe('wrong');
    expect(presumptionVerdict('taker', { status: 'Reused' })).toBe('unsettled');
  });
});
