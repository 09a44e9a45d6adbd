import type { ActionResult } from '../app/applyPoolAction';
import type { JobRecord } from '../domain/jobRecord';
import type { Notice, PoolDecision } from './notice';

/**
 * Notices for what a policy, the Slack buttons or an operator did to a pool, for the code
 * that decides to call the notifier with. Undefined when the ledger lacks the job's snapshot
 * (its tags say who to tell).
 */
export const poolExtendedNotice = (
  record: JobRecord,
  decision: PoolDecision,
  expiresAtMs: number,
  previousExpiresAtMs: number | undefined = record.pool?.expiresAtMs,
): Notice | undefined =>
  record.job
    ? {
        kind: 'pool-extended',
        job: record.job,
        expiresAtMs,
        decision,
        ...(previousExpiresAtMs !== undefined ? { previousExpiresAtMs } : {}),
      }
    : undefined;

/** A hold: auto-stop held off until `heldUntilMs`; the pool's end stays where the record has it. */
export const poolHeldNotice = (
  record: JobRecord,
  decision: PoolDecision,
  heldUntilMs: number,
): Notice | undefined => {
  const expiresAtMs = record.pool?.expiresAtMs;
  return record.job && expiresAtMs !== undefined
    ? { kind: 'pool-extended', job: record.job, expiresAtMs, heldUntilMs, decision }
    : undefined;
};

export const poolStoppedNotice = (
  record: JobRecord,
  decision: PoolDecision,
  stoppedAtMs?: number,
): Notice | undefined => {
  if (!record.job) return undefined;
  const availableSinceMs = record.pool?.availableSinceMs;
  return {
    kind: 'pool-stopped',
    job: record.job,
    decision,
    ...(availableSinceMs !== undefined ? { availableSinceMs } : {}),
    ...(stoppedAtMs !== undefined ? { stoppedAtMs } : {}),
  };
};

export const expiryWarningNotice = (
  record: JobRecord,
  endsAtMs: number,
  decision?: PoolDecision,
): Notice | undefined => {
  if (!record.job) return undefined;
  const availableSinceMs = record.pool?.availableSinceMs;
  return {
    kind: 'expiry-warning',
    job: record.job,
    expiresAtMs: endsAtMs,
    ...(availableSinceMs !== undefined ? { availableSinceMs } : {}),
    ...(decision ? { decision } : {}),
  };
};

/**
 * What the owner is told about an action that was just recorded, whoever took it: a policy
 * (through the sweep or the event handler), an operator or a Slack user.
 */
export const noticeForAction = (result: ActionResult): Notice | undefined => {
  const { decision, record } = result;
  const told: PoolDecision = {
    policy: decision.rule ?? decision.actor,
    reason: decision.reason,
    decidedBy: decision.actor,
    dryRun: decision.dryRun,
  };
  if (decision.outcome === 'failed' || decision.outcome === 'skipped' || decision.outcome === 'unknown')
    return undefined;
  switch (decision.action) {
    case 'extend':
      return decision.endsAtMs === undefined
        ? undefined
        : poolExtendedNotice(record, told, decision.endsAtMs, result.previousExpiresAtMs);
    case 'stop':
      return poolStoppedNotice(record, told, decision.atMs);
    case 'warn':
      return decision.endsAtMs === undefined
        ? undefined
        : expiryWarningNotice(record, decision.endsAtMs, told);
    case 'hold':
      return decision.endsAtMs === undefined ? undefined : poolHeldNotice(record, told, decision.endsAtMs);
  }
};
