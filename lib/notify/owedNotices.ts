import type { Notice } from './notice';
import type { Notifier } from './notifier';

/** How many sweeps a notice is sent again before the container gives up on it (the log says so). */
const TRIES = 15;

/** How long a notice stays owed at most. */
const OWED_FOR_AT_MOST_MS = 3_600_000;

/** How many notices a container keeps owing: beyond, the oldest is forgotten. */
const MOST_OWED = 1_000;

interface Owed {
  readonly notice: Notice;
  readonly sinceMs: number;
  tries: number;
}

/**
 * The notices of actions (an expiry warning, a stop, an extension) that could not be claimed in
 * the notification log when they were decided (DynamoDB throttling): nothing was sent, so that
 * nothing is sent twice, and the decision is recorded, so no later sweep decides it again. They
 * are sent again at the container's next sweeps; the log's claim keeps them to one delivery.
 * Kept in the container, as the sweep's other memories are: a new container owes nothing (and
 * the event handler's, which runs no sweep, never sends what it keeps: at most MOST_OWED).
 */
export class OwedNotices {
  private readonly owed = new Map<string, Owed>();

  keep(key: string, notice: Notice, nowMs: number): void {
    this.owed.delete(key);
    this.owed.set(key, { notice, sinceMs: nowMs, tries: 0 });
    const oldest = this.owed.keys().next().value;
    if (this.owed.size > MOST_OWED && oldest !== undefined) this.owed.delete(oldest);
  }

  /**
   * Sends each owed notice again; one the log still refuses stays owed, until tried too often or
   * too long. A warning of a pool not in `available` (one account's sweep reads its own pools) is
   * not sent: it would warn of an end that came, or waits for its account's sweep.
   */
  async sendAgain(
    notifier: Pick<Notifier, 'notify'>,
    nowMs: number,
    available: ReadonlySet<string>,
    /** Whether the sweep has time for one more (a notice may wait out Slack's retries). */
    keepGoing: () => boolean = () => true,
  ): Promise<void> {
    for (const [key, owed] of [...this.owed]) {
      if (!keepGoing()) return;
      if (owed.tries >= TRIES || nowMs - owed.sinceMs > OWED_FOR_AT_MOST_MS) {
        this.owed.delete(key);
        continue;
      }
      if (owed.notice.kind === 'expiry-warning' && !available.has(owed.notice.job.name)) continue;
      owed.tries++;
      const outcome = await notifier.notify(owed.notice);
      if (outcome.kind !== 'failed') this.owed.delete(key);
    }
  }

  get size(): number {
    return this.owed.size;
  }
}
