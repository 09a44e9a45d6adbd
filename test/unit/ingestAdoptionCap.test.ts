import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { ingestJobEvent } from '../../lib/app/ingestJobEvent';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { lifetimeEndMs } from '../../lib/domain/keepAlive';
import type { TrainingJobDescription } from '../../lib/ports/trainingJobs';
import { sampleAvailablePool, sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
/** A two-hour lifetime cap, so that a chain nears it within a test. */
const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 2 * 3600 };

describe("an adoption of a job that took a pool near its chain's lifetime cap", () => {
  it.each([
    ['returned by the look for its reuse', false],
    // The sweep's adoptions: a pool leaving Available (the giver's, Reused) is told before its write.
    ['told before the giver leaves Available, as the sweep adopts', true],
  ])(
    'tells "pool available" with the end the cap allows, before its write as after (the link %s)',
    async (_how, toldFirst) => {
      const ledger = new MemoryLedger();
      // giver's pool belongs to a chain born 100 minutes ago: it can live 20 minutes more.
      const bornAtMs = NOW - 100 * MIN;
      const giver = sampleAvailablePool('giver', NOW - 50 * MIN);
      if (!giver.job || !giver.pool) throw new Error('the sample has its job and pool');
      await ledger.recordSnapshot(giver.job);
      await ledger.observePool(giver, giver.pool);
      await ledger.linkReuse('head', 'giver', { poolId: 'head', bornAtMs }, lifetimeEndMs(bornAtMs, limits));
      // taker reused it; its start event was lost, and a listing finds it ended with a 30-minute keep-alive.
      const taker = sampleSnapshot('taker', NOW, {
        owner: 'alice',
        team: 'vision',
        createdAtMs: NOW - 40 * MIN,
      });
      const described: Record<string, TrainingJobDescription> = {
        giver: {
          name: 'giver',
          status: 'Completed',
          instanceType: 'ml.g5.2xlarge',
          keepAliveSeconds: 1800,
          warmPool: { status: 'Reused', reusedByJob: 'taker', billableSeconds: 600 },
        },
        taker: {
          name: 'taker',
          status: 'Completed',
          instanceType: 'ml.g5.2xlarge',
          endedAtMs: NOW - MIN,
          keepAliveSeconds: 1800,
          warmPool: { status: 'Available' },
        },
      };
      const told: LedgerFact[] = [];
      const deps = {
        ledger,
        clock: { now: () => NOW },
        limits,
        describeConcurrency: 2,
        trainingJobs: {
          describe: async (name: string) => described[name],
          setKeepAlive: async () => {},
        },
        beforeArriving: async (facts: readonly LedgerFact[]) => {
          told.push(...facts);
        },
        ...(toldFirst ? { beforeLeaving: async () => {} } : {}),
      };
      const description = described.taker;
      if (!description) throw new Error('taker is described');
      const result = await ingestJobEvent(deps, taker, { kind: 'sagemaker', description });

      const capMs = lifetimeEndMs(bornAtMs, limits);
      const available = (facts: readonly LedgerFact[]) =>
        facts.flatMap((f) => (f.kind === 'pool-available' && f.job.name === 'taker' ? [f.job.pool] : []));
      expect(available(told)).toEqual([
        expect.objectContaining({ bornAtMs, poolId: 'head', expiresAtMs: capMs }),
      ]);
      expect(available(result.facts)).toEqual([expect.objectContaining({ expiresAtMs: capMs })]);
      expect((await ledger.getJob('taker'))?.pool?.expiresAtMs).toBe(capMs);
    },
  );
});
