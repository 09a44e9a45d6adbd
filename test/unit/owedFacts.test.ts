import { describe, expect, it } from 'vitest';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { OwedFacts } from '../../lib/app/owedFacts';
import { sampleAvailablePool } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const available = (name: string): LedgerFact => ({
  kind: 'pool-available',
  job: sampleAvailablePool(name, T0),
});
const names = (due: Map<string, readonly { job: { name: string } }[]>, reactor: string) =>
  (due.get(reactor) ?? []).map((fact) => fact.job.name);

describe('OwedFacts', () => {
  it('owes the "available" facts a reactor failed on, while their pool is Available, until told', () => {
    const owed = new OwedFacts();
    const ended: LedgerFact = { kind: 'job-ended', job: sampleAvailablePool('a', T0) };
    owed.keep(['notifications'], [available('a'), available('b'), ended], T0);
    expect(owed.size).toBe(2);
    // Another account's sweep reads other pools: nothing of these is due, nothing forgotten.
    expect(owed.due(new Set(['z']), T0 + MIN).size).toBe(0);
    expect(owed.size).toBe(2);
    const due = owed.due(new Set(['a', 'b']), T0 + 2 * MIN);
    expect(names(due, 'notifications')).toEqual(['a', 'b']);
    owed.told('notifications', due.get('notifications') ?? []);
    expect(owed.size).toBe(0);
  });

  it('forgets a fact tried fifteen times, or owed for more than an hour', () => {
    const owed = new OwedFacts();
    owed.keep(['notifications'], [available('a')], T0);
    for (let i = 1; i <= 15; i++)
      expect(names(owed.due(new Set(['a']), T0 + i * MIN), 'notifications')).toEqual(['a']);
    expect(owed.due(new Set(['a']), T0 + 16 * MIN).size).toBe(0);
    owed.keep(['notifications'], [available('b')], T0);
    expect(owed.due(new Set(['b']), T0 + 61 * MIN).size).toBe(0);
    expect(owed.size).toBe(0);
  });
});
