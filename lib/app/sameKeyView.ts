import type { JobRecord } from '../domain/jobRecord';
import type { LedgerFact } from './ledgerFacts';

/**
 * The Available pools of each match key that one event's handling read (reuse detection reads
 * them), with what the same handling learnt since applied: a pool that left (reused, ended) is
 * gone, a pool seen Available is as it was written. Every write that moves a pool in or out of
 * the index comes back as a fact, so this is what the index holds once the handling is done,
 * barring other containers' writes meanwhile (which a read of the index may miss as well: its
 * reads are eventually consistent). Handed on with the pool-available facts, it spares the
 * policy reactor reading the same index again to rank the pool among its rivals.
 */
export class SameKeyView {
  private readonly byKey = new Map<string, Map<string, JobRecord>>();

  /** The Available pools of `matchKey` as the index answered. */
  read(matchKey: string, pools: readonly JobRecord[]): void {
    this.byKey.set(matchKey, new Map(pools.map((pool) => [pool.name, pool])));
  }

  /**
   * The facts, each pool-available one of a key that was read carrying its key's pools after
   * every fact was applied, and each pool-reused one the pools its key has left. Only when every fact of the handling is among them: with a
   * `beforeLeaving` step, pools that left are told elsewhere, and nothing is attached.
   */
  annotate(facts: readonly LedgerFact[]): LedgerFact[] {
    for (const fact of facts) {
      if (fact.kind === 'pool-available') this.keyOf(fact.job)?.set(fact.job.name, fact.job);
      else if (fact.kind === 'pool-reused') this.keyOf(fact.fromJob)?.delete(fact.fromJob.name);
      else if (fact.kind === 'pool-ended') this.keyOf(fact.job)?.delete(fact.job.name);
    }
    return facts.map((fact) => {
      if (fact.kind === 'pool-reused') {
        const pools = this.keyOf(fact.fromJob);
        return pools ? { ...fact, sameKeyLeft: [...pools.values()] } : fact;
      }
      if (fact.kind !== 'pool-available') return fact;
      const pools = this.keyOf(fact.job);
      return pools ? { ...fact, sameKeyAvailable: [...pools.values()] } : fact;
    });
  }

  private keyOf(record: JobRecord): Map<string, JobRecord> | undefined {
    const key = record.job?.matchKey;
    return key === undefined ? undefined : this.byKey.get(key);
  }
}
