import type { LedgerFact } from './ledgerFacts';

/** How many sweeps a fact is told again before the container gives up on it (the log says so). */
const TRIES = 15;

/** How long a fact stays owed at most: a pool of another account, or one gone since, is forgotten then. */
const OWED_FOR_AT_MOST_MS = 3_600_000;

/** How many facts a container keeps owing: beyond, the oldest is forgotten. */
const MOST_OWED = 1_000;

type AvailableFact = Extract<LedgerFact, { kind: 'pool-available' }>;

interface Owed {
  readonly reactor: string;
  readonly fact: AvailableFact;
  readonly sinceMs: number;
  tries: number;
}

/**
 * A pool's "available" fact a reactor failed on during a sweep (a notice whose claim could not be
 * written while DynamoDB throttled): told to that reactor again at the container's next sweeps,
 * while the pool is still Available, so that the owner hears of a pool the sweep adopted a
 * minute late rather than never. An event's facts need none of this (Lambda retries the event);
 * nor do a pool's leaving facts (told before the write that takes it out of the index). Kept in
 * the sweep's container, as the listing pace is: a new container starts owing nothing.
 */
export class OwedFacts {
  private readonly owed = new Map<string, Owed>();

  /** What `reactors` failed on at `nowMs`: the "available" facts among them are owed. */
  keep(reactors: readonly string[], facts: readonly LedgerFact[], nowMs: number): void {
    for (const fact of facts) {
      if (fact.kind !== 'pool-available') continue;
      for (const reactor of reactors) {
        const key = `${reactor}\n${fact.job.name}`;
        this.owed.delete(key);
        this.owed.set(key, { reactor, fact, sinceMs: nowMs, tries: 0 });
        const oldest = this.owed.keys().next().value;
        if (this.owed.size > MOST_OWED && oldest !== undefined) this.owed.delete(oldest);
      }
    }
  }

  /**
   * What to tell again now, by reactor: the facts of pools in `available` (the sweep's read of
   * one account's Available pools), each counted as tried. Facts owed too long or tried too
   * often are forgotten.
   */
  due(available: ReadonlySet<string>, nowMs: number): Map<string, AvailableFact[]> {
    const due = new Map<string, AvailableFact[]>();
    for (const [key, owed] of this.owed) {
      if (owed.tries >= TRIES || nowMs - owed.sinceMs > OWED_FOR_AT_MOST_MS) {
        this.owed.delete(key);
        continue;
      }
      if (!available.has(owed.fact.job.name)) continue;
      owed.tries++;
      due.set(owed.reactor, [...(due.get(owed.reactor) ?? []), owed.fact]);
    }
    return due;
  }

  /** The reactor took them this time. */
  told(reactor: string, facts: readonly AvailableFact[]): void {
    for (const fact of facts) this.owed.delete(`${reactor}\n${fact.job.name}`);
  }

  get size(): number {
    return this.owed.size;
  }
}
