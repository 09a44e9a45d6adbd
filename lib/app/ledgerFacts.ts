import type { JobRecord, NearMiss } from '../domain/jobRecord';
import type { NoPool } from '../domain/warmPool';

/**
 * What poolwarden learned while handling an event or a sweep. Facts are reported every time
 * they are seen, not only the first time: whoever acts on them (notifications, policies)
 * deduplicates with its own conditional write, so a retry after a partial failure still acts.
 */
export type LedgerFact =
  | { readonly kind: 'job-started'; readonly job: JobRecord }
  | { readonly kind: 'job-ended'; readonly job: JobRecord }
  | {
      readonly kind: 'pool-available';
      readonly job: JobRecord;
      /**
       * The Available pools of its match key, itself among them, as the handling that told the
       * fact left the index (sameKeyView.ts); absent when it did not read them.
       */
      readonly sameKeyAvailable?: readonly JobRecord[];
    }
  | {
      readonly kind: 'pool-reused';
      readonly fromJob: JobRecord;
      readonly toJob: string;
      /**
       * Told again by a delivery that found the reuse already linked (a duplicate, or Lambda's
       * retry: retellLinkedReuse) or the pool already recorded Reused by `toJob`
       * (observeDescription.ts): the reactors' writes repeat harmlessly, but what counts (the
       * metrics) counted it when it was first told.
       */
      readonly retold?: true;
      /**
       * Presumed, not seen (reusePresumption.ts): the pool is still Available in the ledger,
       * marked taken by `toJob`, until the next reconcile's listing confirms or corrects it.
       */
      readonly presumed?: true;
      /**
       * The other Available pools of its match key once the handling that told the fact was done
       * (sameKeyView.ts): the rivals whose rank the reuse changed. Absent when it did not read them.
       */
      readonly sameKeyLeft?: readonly JobRecord[];
    }
  | {
      readonly kind: 'pool-ended';
      readonly job: JobRecord;
      /** Told again, as a reuse's `retold`: the pool was already recorded Terminated when this was heard. */
      readonly retold?: true;
    }
  | {
      /**
       * A presumed reuse proved wrong (reusePresumption.ts), its link taken back: what its
       * presumption told is withdrawn (the usage statistics' sample of the hop and its idle cost).
       * `fromJob` is the pool's record as marked (`presumedTakenBy`, `presumedAtMs`).
       */
      readonly kind: 'reuse-withdrawn';
      readonly fromJob: JobRecord;
      readonly toJob: string;
    }
  | { readonly kind: 'near-miss'; readonly job: JobRecord; readonly nearMiss: NearMiss }
  | { readonly kind: 'no-pool'; readonly job: JobRecord; readonly noPool: NoPool };

export type LedgerFactKind = LedgerFact['kind'];
