import { OwedWork } from '../app/owedWork';
import type { Notice } from './notice';
import { isOwed, type Notifier } from './notifier';

/**
 * The notices of actions (an expiry warning, a stop, an extension) that could not be claimed in
 * the notification log when they were decided (DynamoDB throttling): nothing was sent, so that
 * nothing is sent twice, and the decision is recorded, so no later sweep decides it again. They
 * are sent again at the container's next sweeps, within OwedWork's bounds; the log's claim keeps
 * them to one delivery. The event handler's container, which runs no sweep, sends what it keeps
 * after its next events (Runtime.sendOwedNotices). The Slack actions container keeps what it owes
 * unsent: its answer has 3 seconds, and a click's outcome goes to the clicker through response_url.
 */
export class OwedNotices {
  private readonly work = new OwedWork<Notice>();

  keep(key: string, notice: Notice, nowMs: number): void {
    this.work.keep(key, notice, nowMs);
  }

  /**
   * Sends each owed notice again; one the log still refuses stays owed. A warning of a pool not in
   * `available` (one account's sweep reads its own pools) is not sent: it would warn of an end
   * that came, or waits for its account's sweep.
   */
  async sendAgain(
    notifier: Pick<Notifier, 'notify'>,
    nowMs: number,
    available: ReadonlySet<string>,
    /** Whether the sweep has time for one more (a notice may wait out Slack's retries). */
    keepGoing: () => boolean = () => true,
  ): Promise<void> {
    if (!keepGoing()) return;
    const ready = (notice: Notice) => notice.kind !== 'expiry-warning' || available.has(notice.job.name);
    for (const [key, notice] of this.work.due(nowMs, ready)) {
      if (!keepGoing()) return;
      if (!isOwed(await notifier.notify(notice))) this.work.settle(key);
    }
  }

  get size(): number {
    return this.work.size;
  }
}
