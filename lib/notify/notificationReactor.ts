import type { FactReactor } from '../app/factReactor';
import type { LedgerFact } from '../app/ledgerFacts';
import { mapBounded } from '../app/mapBounded';
import type { Clock } from '../ports/clock';
import { noticesForFacts, type WarningLead } from './factNotices';
import type { Notice } from './notice';
import type { NoticeKey } from './notificationLog';
import { isOwed, type Notifier } from './notifier';

export interface NotificationReactorDeps {
  readonly notifier: Pick<Notifier, 'notify'>;
  readonly clock: Clock;
  /** Seconds before the predicted end to warn; a function lets a policy set it per pool. */
  readonly expiryWarningLead: number | WarningLead;
  /** How many jobs' notices are sent at once (a sweep may report many pools). */
  readonly concurrency: number;
  /**
   * Told each notice that was neither claimed nor sent (the log refused the claim, or the
   * invocation was ending), before the reactor fails: the container keeps it owed.
   */
  readonly onUnsent?: (notice: Notice) => void;
}

/** Notices of one job go out in order (the warning after the "available" message), jobs in parallel. */
const byJob = (notices: readonly Notice[]): Notice[][] => {
  const groups = new Map<string, Notice[]>();
  for (const notice of notices) {
    const group = groups.get(notice.job.name);
    if (group) group.push(notice);
    else groups.set(notice.job.name, [notice]);
  }
  return [...groups.values()];
};

/**
 * Notices that were not sent because the notification log could not be reached, or too little of
 * the invocation was left for an attempt (nothing was claimed or sent, so that nothing is sent
 * twice). The reactor fails with it after trying every notice: the event
 * is retried, and the notices already sent are refused then as duplicates. In the sweep, a pool's
 * "available" fact is told again at the container's next sweeps (owedFacts.ts), as are the
 * notices of its actions (owedNotices.ts).
 */
export class NoticesNotSentError extends Error {
  override readonly name = 'NoticesNotSentError';

  constructor(readonly failed: readonly NoticeKey[]) {
    super(
      `${failed.length} notice(s) not sent (the notification log could not be reached, or the invocation was ending): ${failed
        .map((key) => `${key.job} ${key.kind}`)
        .join(', ')}`,
    );
  }
}

/** Tells owners what onJobStateChange and the sweep learned. A delivery that fails is dead-lettered, not thrown. */
export const notificationReactor = (deps: NotificationReactorDeps): FactReactor => {
  const configured = deps.expiryWarningLead;
  const lead: WarningLead = typeof configured === 'number' ? () => configured : configured;
  return {
    name: 'notifications',
    react: async (facts: readonly LedgerFact[]) => {
      const notices = noticesForFacts(facts, deps.clock.now(), lead);
      const failed: NoticeKey[] = [];
      await mapBounded(byJob(notices), deps.concurrency, async (group) => {
        for (const notice of group) {
          const outcome = await deps.notifier.notify(notice);
          if (!isOwed(outcome)) continue;
          failed.push(outcome.key);
          deps.onUnsent?.(notice);
        }
      });
      if (failed.length > 0) throw new NoticesNotSentError(failed);
    },
  };
};
