import type { LedgerFact } from './ledgerFacts';
import { OwedWork } from './owedWork';

type AvailableFact = Extract<LedgerFact, { kind: 'pool-available' }>;

const keyOf = (reactor: string, fact: AvailableFact) => `${reactor}\n${fact.job.name}`;

/**
 * A pool's "available" fact a reactor failed on during a sweep (a notice whose claim could not be
 * written while DynamoDB throttled, or that found no time to start): told to that reactor again
 * at the container's next sweeps, while the pool is still offered to its owner, so that the owner
 * hears of a pool the sweep adopted a minute late rather than never (within OwedWork's bounds);
 * once it is not (stopped, taken, expired), only the job's end it told is told again. An event's
 * facts need none of this (Lambda retries the event); nor do a pool's leaving facts (told before
 * the write that takes it out of the index).
 */
export class OwedFacts {
  private readonly work = new OwedWork<{ readonly reactor: string; readonly fact: AvailableFact }>();

  /** What `reactors` failed on at `nowMs`: the "available" facts among them are owed. */
  keep(reactors: readonly string[], facts: readonly LedgerFact[], nowMs: number): void {
    for (const fact of facts) {
      if (fact.kind !== 'pool-available') continue;
      for (const reactor of reactors) this.work.keep(keyOf(reactor, fact), { reactor, fact }, nowMs);
    }
  }

  /**
   * What to tell again now, by reactor: the facts of pools in `available` (the sweep's read of
   * one account's Available pools), each counted as tried.
   */
  due(available: ReadonlySet<string>, nowMs: number): Map<string, AvailableFact[]> {
    const due = new Map<string, AvailableFact[]>();
    for (const [, { reactor, fact }] of this.work.due(nowMs, ({ fact }) => available.has(fact.job.name)))
      due.set(reactor, [...(due.get(reactor) ?? []), fact]);
    return due;
  }

  /**
   * The facts of pools in `lapsed` (read by this sweep, but no longer offered to an owner: being
   * stopped, taken, past their expiry), by reactor, not counted as tried: what they told but the
   * pool's availability is still owed (`told` settles them).
   */
  lapsed(lapsed: ReadonlySet<string>): Map<string, AvailableFact[]> {
    const gone = new Map<string, AvailableFact[]>();
    for (const [, { reactor, fact }] of this.work.entries())
      if (lapsed.has(fact.job.name)) gone.set(reactor, [...(gone.get(reactor) ?? []), fact]);
    return gone;
  }

  /** The reactor took them this time. */
  told(reactor: string, facts: readonly AvailableFact[]): void {
    for (const fact of facts) this.work.settle(keyOf(reactor, fact));
  }

  get size(): number {
    return this.work.size;
  }
}
