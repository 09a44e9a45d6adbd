import { errorMessage } from '../domain/errorMessage';
import type { JobLocation } from '../domain/jobLocation';
import type { OwnerTagKeys } from '../domain/owner';
import { type EventRejection, parseJobStateChange } from '../events/jobStateChange';
import type { Telemetry } from '../ports/telemetry';
import type { DetectReuseDeps } from './detectReuse';
import { countFacts } from './factMetrics';
import { type FactReactor, ReactorsFailedError, runReactors } from './factReactor';
import { FROM_EVENT, ingestJobEvent } from './ingestJobEvent';
import type { LedgerFact } from './ledgerFacts';

export interface ProcessDeps extends DetectReuseDeps {
  readonly tagKeys: OwnerTagKeys;
  /** The deployment's own account and region (see jobRef in lib/domain/jobLocation.ts). */
  readonly home?: JobLocation;
  readonly telemetry: Telemetry;
  readonly reactors: readonly FactReactor[];
}

export { ReactorsFailedError };

export type ProcessOutcome =
  | { readonly kind: 'rejected'; readonly rejection: EventRejection }
  | { readonly kind: 'stale'; readonly job: string }
  | { readonly kind: 'applied'; readonly job: string; readonly facts: readonly LedgerFact[] };

/**
 * One EventBridge delivery. A malformed or foreign event is refused without a write (retrying
 * it could never succeed); a failure to reach DynamoDB or SageMaker is thrown so that Lambda
 * retries the event and, in the end, dead-letters it.
 */
export const processJobStateChange = async (raw: unknown, deps: ProcessDeps): Promise<ProcessOutcome> => {
  deps.telemetry.count('EventsReceived');
  const parsed = parseJobStateChange(raw, deps.tagKeys, deps.limits.perCallCapSeconds, deps.home);
  if (!parsed.ok) {
    const { eventId, field, message } = parsed.rejection;
    // `message` is the log line's own key in Powertools: the reason goes under `reason`.
    deps.telemetry.error(`rejected a training job event: ${field}: ${message}`, {
      eventId,
      field,
      reason: message,
    });
    deps.telemetry.count('EventsRejected');
    return { kind: 'rejected', rejection: parsed.rejection };
  }
  const { snapshot, eventId } = parsed;
  const result = await ingestJobEvent(deps, snapshot, FROM_EVENT);
  if (result.kind === 'stale') {
    deps.telemetry.info('a stale event: the ledger keeps its newer snapshot', {
      eventId,
      job: snapshot.name,
      status: snapshot.status,
      lastModifiedMs: snapshot.lastModifiedMs,
      recordedLastModifiedMs: result.recorded.job?.lastModifiedMs,
      facts: result.facts.map((f) => f.kind),
    });
    deps.telemetry.count('EventsStale');
  } else {
    deps.telemetry.info('recorded a training job event', {
      eventId,
      job: snapshot.name,
      status: snapshot.status,
      facts: result.facts.map((f) => f.kind),
    });
  }
  countFacts(deps.telemetry, result.facts);
  const failed = await runReactors(deps.reactors, result.facts, (reactor, error) => {
    deps.telemetry.error('a reactor failed; the ledger is already up to date', {
      eventId,
      reactor,
      error: errorMessage(error),
    });
    deps.telemetry.count('ReactorFailures');
  });
  // Every step is idempotent, so a retry of the whole event is safe: it gives the reactors that
  // failed another chance, and after Lambda's retries the event is kept in the failed-events queue.
  if (failed.length > 0) throw new ReactorsFailedError(snapshot.name, failed);
  return result.kind === 'stale'
    ? { kind: 'stale', job: snapshot.name }
    : { kind: 'applied', job: snapshot.name, facts: result.facts };
};
