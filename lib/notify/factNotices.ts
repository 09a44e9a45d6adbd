import type { LedgerFact } from '../app/ledgerFacts';
import type { JobRecord } from '../domain/jobRecord';
import { coveredKeys, type Notice } from './notice';

/** Seconds before a pool's predicted end at which its owner is warned; per job so policies can vary it. */
export type WarningLead = (record: JobRecord) => number;

/**
 * Warn when the end is within the lead time, unless the pool's whole keep-alive was shorter
 * than the lead: then the "available until" message already said when it ends.
 */
export const expiryWarningDue = (
  expiresAtMs: number,
  availableSinceMs: number | undefined,
  leadSeconds: number,
  nowMs: number,
): boolean => {
  const leadMs = leadSeconds * 1000;
  if (leadMs <= 0 || nowMs >= expiresAtMs || nowMs < expiresAtMs - leadMs) return false;
  return availableSinceMs === undefined || expiresAtMs - availableSinceMs > leadMs;
};

const poolNotices = (record: JobRecord, nowMs: number, lead: WarningLead): Notice[] => {
  const job = record.job;
  const expiresAtMs = record.pool?.expiresAtMs;
  // An "available until" that has already passed would mislead: the pool is gone or about to be.
  if (!job || expiresAtMs === undefined || nowMs >= expiresAtMs) return [];
  const keepAliveSeconds = record.pool?.keepAliveSeconds;
  const availableSinceMs = record.pool?.availableSinceMs;
  const notices: Notice[] = [
    {
      kind: 'pool-available',
      job,
      expiresAtMs,
      ...(keepAliveSeconds !== undefined ? { keepAliveSeconds } : {}),
    },
  ];
  if (expiryWarningDue(expiresAtMs, availableSinceMs, lead(record), nowMs)) {
    notices.push({
      kind: 'expiry-warning',
      job,
      expiresAtMs,
      ...(availableSinceMs !== undefined ? { availableSinceMs } : {}),
    });
  }
  return notices;
};

/** Every notice but job-ended, which depends on the others. */
const noticesForFact = (fact: LedgerFact, nowMs: number, lead: WarningLead): Notice[] => {
  switch (fact.kind) {
    case 'job-started':
    case 'job-ended':
      return [];
    case 'pool-available':
      return poolNotices(fact.job, nowMs, lead);
    case 'near-miss':
      return fact.job.job ? [{ kind: 'near-miss', job: fact.job.job, nearMiss: fact.nearMiss }] : [];
    case 'no-pool':
      return fact.job.job ? [{ kind: 'no-pool', job: fact.job.job, noPool: fact.noPool }] : [];
    case 'pool-reused':
    case 'pool-ended':
    case 'reuse-withdrawn':
      // A reuse is the good outcome, and a pool's end was announced by its expiry warning or stop.
      return [];
  }
};

/**
 * The notices a batch of ledger facts calls for. Facts repeat (duplicate events, every
 * sweep reports each Available pool again): the notification log drops what was sent, so
 * this stays a pure mapping. Records without the job's snapshot are skipped: without its
 * tags nobody is known to tell, and the message would have no substance.
 */
export const noticesForFacts = (facts: readonly LedgerFact[], nowMs: number, lead: WarningLead): Notice[] => {
  const others = facts.flatMap((fact) => noticesForFact(fact, nowMs, lead));
  // A pool-available or no-pool message tells the job's end itself: "job ended" would repeat it.
  const told = new Set(others.flatMap(coveredKeys).map((key) => key.job));
  const ended = facts.flatMap((fact): Notice[] =>
    fact.kind === 'job-ended' && fact.job.job && !told.has(fact.job.name)
      ? [{ kind: 'job-ended', job: fact.job.job }]
      : [],
  );
  return [...ended, ...others];
};
