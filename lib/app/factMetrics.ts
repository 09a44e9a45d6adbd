import type { Telemetry } from '../ports/telemetry';
import type { LedgerFact } from './ledgerFacts';

/** The dashboard's metric for each kind of fact (resources/observability.yml). */
const FACT_METRICS: Record<LedgerFact['kind'], string> = {
  'job-started': 'JobsStarted',
  'job-ended': 'JobsEnded',
  'pool-available': 'PoolsAvailable',
  'pool-reused': 'ReusesRecorded',
  'pool-ended': 'PoolsEnded',
  'near-miss': 'NearMisses',
  'no-pool': 'KeepAliveWithoutPool',
  'reuse-withdrawn': 'ReusesWithdrawn',
};

/**
 * Counts facts told for the first time. A reuse or an end told again (a duplicate event, a retry,
 * a presumption's confirmation) was counted by the telling that wrote it, so it is not counted again.
 */
export const countFacts = (telemetry: Telemetry, facts: readonly LedgerFact[]): void => {
  for (const fact of facts) {
    if ((fact.kind === 'pool-reused' || fact.kind === 'pool-ended') && fact.retold) continue;
    telemetry.count(FACT_METRICS[fact.kind]);
    if (fact.kind === 'pool-reused' && fact.presumed) telemetry.count('ReusesPresumed');
  }
};
