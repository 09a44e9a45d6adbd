import { describe, expect, it } from 'vitest';
import { emptyTally, type Tally } from '../../lib/app/sweep';
import { catchUpReport } from '../../lib/app/sweepAccounts';

const NEXT_SWEEP_MS = Date.parse('2026-03-02T12:01:00Z');
const tally = (counts: Partial<Tally>): Tally => ({ ...emptyTally(), ...counts });
const report = (counts: Partial<Tally>) =>
  catchUpReport({ listings: 3, listCalls: 3, tally: tally(counts) }, NEXT_SWEEP_MS);

describe("the sweep watch's report", () => {
  it('a watch that found nothing leaves the next change to the sweeps', () => {
    expect(report({}).nextChangeAtMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('adoptions made, failed or deferred for lack of time: the next scheduled sweep must run', () => {
    expect(report({ adopted: 1 }).nextChangeAtMs).toBe(NEXT_SWEEP_MS);
    expect(report({ failures: 1 }).nextChangeAtMs).toBe(NEXT_SWEEP_MS);
    expect(report({ deferred: 2 })).toMatchObject({ deferred: 2, nextChangeAtMs: NEXT_SWEEP_MS });
  });
});
