import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { FROM_EVENT, ingestJobEvent } from '../../lib/app/ingestJobEvent';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { Ledger } from '../../lib/ports/ledger';
import type { TrainingJobDescription } from '../../lib/ports/trainingJobs';
import { sampleAvailablePool, sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

/** A ledger holding `pools` Available, counting its reads of the match-key index. */
const ledgerWith = async (pools: readonly JobRecord[]) => {
  const inner = new MemoryLedger();
  for (const record of pools) {
    if (record.job) await inner.recordSnapshot(record.job);
    if (record.pool) await inner.observePool(record, record.pool);
  }
  const reads = { byMatchKey: 0 };
  const ledger: Ledger = Object.assign(Object.create(inner) as Ledger, {
    availableByMatchKey: (key: string) => {
      reads.byMatchKey++;
      return inner.availableByMatchKey(key);
    },
  });
  return { ledger, reads };
};

const describeAs =
  (statuses: Record<string, 'Available' | 'Terminated'>) =>
  async (name: string): Promise<TrainingJobDescription> => ({
    name,
    status: 'Completed',
    instanceType: 'ml.g5.2xlarge',
    endedAtMs: NOW - MIN,
    keepAliveSeconds: 1800,
    warmPool: {
      status: statuses[name] ?? 'Available',
      ...(statuses[name] === 'Terminated' ? { billableSeconds: 600 } : {}),
    },
  });

/** Reuse detection's dependencies at NOW, SageMaker showing each pool as `statuses` says. */
const depsOf = (ledger: Ledger, statuses: Record<string, 'Available' | 'Terminated'> = {}) => ({
  ledger,
  clock: { now: () => NOW },
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  describeConcurrency: 2,
  trainingJobs: { describe: describeAs(statuses), setKeepAlive: async () => {} },
});

const namesOf = (fact: LedgerFact | undefined) =>
  fact?.kind === 'pool-available' ? fact.sameKeyAvailable?.map((r) => r.name).sort() : undefined;

describe('the Available pools of a key as one event left them', () => {
  it('hands the pools of the key that reuse detection read, its own writes applied, to the pool-available facts', async () => {
    const { ledger, reads } = await ledgerWith([
      sampleAvailablePool('kept', NOW - 20 * MIN),
      sampleAvailablePool('gone', NOW - 25 * MIN),
    ]);
    const deps = depsOf(ledger, { gone: 'Terminated' });
    // The end event of a job whose start was not seen: reuse detection reads the key and
    // describes its pools ('gone' has ended); then the job's own pool is recorded Available.
    const result = await ingestJobEvent(deps, sampleSnapshot('ending', NOW, { owner: 'alice' }), FROM_EVENT);
    expect(reads.byMatchKey).toBe(1);
    const available = result.facts.filter((f) => f.kind === 'pool-available');
    expect(available.map((f) => (f.kind === 'pool-available' ? f.job.name : ''))).toEqual(['kept', 'ending']);
    // What the index holds now, which the policy reactor would otherwise read again.
    const indexed = (await ledger.availableByMatchKey(sampleSnapshot('x', NOW).matchKey)).map((r) => r.name);
    for (const fact of available) expect(namesOf(fact)).toEqual(indexed.sort());
    expect(indexed).toEqual(['ending', 'kept']);
  });

  it('hands nothing over when the handling did not read the key, or tells leaving pools elsewhere', async () => {
    const { ledger } = await ledgerWith([sampleAvailablePool('kept', NOW - 20 * MIN)]);
    const deps = depsOf(ledger);
    const reused = await ingestJobEvent(deps, sampleSnapshot('taker', NOW), FROM_EVENT);
    expect(reused.facts.some((f) => f.kind === 'pool-available' && f.sameKeyAvailable)).toBe(true);
    const told: LedgerFact[] = [];
    const withBeforeLeaving = await ingestJobEvent(
      {
        ...deps,
        beforeLeaving: async (facts) => {
          told.push(...facts);
        },
      },
      sampleSnapshot('other', NOW + MIN),
      FROM_EVENT,
    );
    expect(withBeforeLeaving.facts.some((f) => f.kind === 'pool-available' && f.sameKeyAvailable)).toBe(
      false,
    );
  });

  it('hands a reuse the pools its key has left, the rivals whose rank it changed', async () => {
    const { ledger } = await ledgerWith([
      sampleAvailablePool('first', NOW - 20 * MIN),
      sampleAvailablePool('second', NOW - 10 * MIN),
    ]);
    const deps = { ...depsOf(ledger), presumeReuse: true };
    const start = (name: string) =>
      sampleSnapshot(name, NOW, { owner: 'alice', status: 'InProgress', createdAtMs: NOW - 30_000 });
    const leftBy = (facts: readonly LedgerFact[]) =>
      facts.flatMap((f) =>
        f.kind === 'pool-reused'
          ? [{ from: f.fromJob.name, left: f.sameKeyLeft?.map((r) => [r.name, r.pool?.presumedTakenBy]) }]
          : [],
      );
    const { facts: firstTaken } = await ingestJobEvent(deps, start('taker'), FROM_EVENT);
    // SageMaker hands the pool that expires soonest: the other one is left, free.
    expect(leftBy(firstTaken)).toEqual([{ from: 'first', left: [['second', undefined]] }]);
    const { facts: secondTaken } = await ingestJobEvent(deps, start('taker2'), FROM_EVENT);
    // What is left is the first pool, itself presumed taken: no rival for the key's next jobs.
    expect(leftBy(secondTaken)).toEqual([{ from: 'second', left: [['first', 'taker']] }]);
  });
});
