import type { FactReactor } from '../app/factReactor';
import type { LedgerFact } from '../app/ledgerFacts';
import { mapBounded } from '../app/mapBounded';
import type { Clock } from '../ports/clock';
import { noticesForFacts, type WarningLead } from './factNotices';
import type { Notice } from './notice';
import type { Notifier } from './notifier';

export interface NotificationReactorDeps {
  readonly notifier: Pick<Notifier, 'notify'>;
  readonly clock: Clock;
  /** Seconds before the predicted end to warn; a function lets a policy set it per pool. */
  readonly expiryWarningLead: number | WarningLead;
  /** How many jobs' notices are sent at once (a sweep may report many pools). */
  readonly concurrency: number;
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

/** Tells owners what onJobStateChange and the sweep learned. Never throws: the notifier does not. */
export const notificationReactor = (deps: NotificationReactorDeps): FactReactor => {
  const configured = deps.expiryWarningLead;
  const lead: WarningLead = typeof configured === 'number' ? () => configured : configured;
  return {
    name: 'notifications',
    react: async (facts: readonly LedgerFact[]) => {
      const notices = noticesForFacts(facts, deps.clock.now(), lead);
      await mapBounded(byJob(notices), deps.concurrency, async (group) => {
        for (const notice of group) await deps.notifier.notify(notice);
      });
    },
  };
};
