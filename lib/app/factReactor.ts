import type { LedgerFact } from './ledgerFacts';

/** Something that acts on what the ledger learned (notifications, policies). Its failure never undoes the record. */
export interface FactReactor {
  readonly name: string;
  react(facts: readonly LedgerFact[]): Promise<void>;
}

/**
 * Hands the facts to every reactor in turn, each even when an earlier one failed; returns the
 * names of those that failed, each told to `onFailure` as it happens.
 */
export const runReactors = async (
  reactors: readonly FactReactor[],
  facts: readonly LedgerFact[],
  onFailure: (reactor: string, error: unknown) => void,
): Promise<string[]> => {
  const failed: string[] = [];
  for (const reactor of reactors) {
    try {
      await reactor.react(facts);
    } catch (error) {
      failed.push(reactor.name);
      onFailure(reactor.name, error);
    }
  }
  return failed;
};

/** Some reactors failed after the ledger was written: thrown so that the work is retried, not lost. */
export class ReactorsFailedError extends Error {
  constructor(
    readonly job: string,
    readonly reactors: readonly string[],
  ) {
    super(`recorded what ${job} told, but ${reactors.join(', ')} failed; it will be tried again`);
    this.name = 'ReactorsFailedError';
  }
}
