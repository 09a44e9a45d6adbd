import { errorMessage } from '../domain/errorMessage';
import type { Clock } from '../ports/clock';
import type { Page } from '../ports/ledger';
import type { Telemetry } from '../ports/telemetry';
import { type DeliveryDeps, type DeliveryReport, deliverAll, describeFailures } from './deliver';
import { attemptFits, type DeliveryDeadline } from './deliveryDeadline';
import type { ChannelName, Envelope } from './envelope';
import { renderNotice } from './messages/render';
import { type Notice, noticeKey } from './notice';
import type { NotificationChannel } from './notificationChannel';
import type { Claim, DeadLetter, NoticeKey, NoticeState, NotificationLog } from './notificationLog';
import { type RecipientRules, resolveRecipient } from './recipient';
import { type RetryPolicy, realSleep, type Sleep } from './retry';

/** A message that reached a channel: what `npm start` prints as the owners' timeline. */
export interface SentNotification {
  readonly key: NoticeKey;
  readonly envelope: Envelope;
  readonly atMs: number;
  readonly replayed: boolean;
}

export interface NotifierDeps {
  readonly log: NotificationLog;
  readonly channels: readonly NotificationChannel[];
  readonly recipients: RecipientRules;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly retry: RetryPolicy;
  /** How long a claim protects a notice being sent; then a retry may take it over. Longer than a Lambda invocation. */
  readonly leaseMs: number;
  /** The end of the invocation a notice is sent in; absent: none (the CLI's replays, tests). */
  readonly deadline?: DeliveryDeadline;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly onSent?: (sent: SentNotification) => void;
}

export type NotifyOutcome =
  | { readonly kind: 'sent'; readonly key: NoticeKey; readonly channels: readonly ChannelName[] }
  | { readonly kind: 'duplicate'; readonly key: NoticeKey; readonly state: NoticeState }
  | {
      readonly kind: 'dead-lettered';
      readonly key: NoticeKey;
      readonly letterId?: string;
      readonly delivered: readonly ChannelName[];
    }
  /** No channel had anywhere to send it (all channels off). */
  | { readonly kind: 'no-destination'; readonly key: NoticeKey }
  /**
   * The notification log could not be reached: nothing was sent, to send nothing twice; or what
   * could not be delivered could not be kept as a dead letter either. Owed either way.
   */
  | { readonly kind: 'failed'; readonly key: NoticeKey; readonly error: string }
  /** Not started: the invocation had too little time left for an attempt (NotifierDeps.deadline). */
  | { readonly kind: 'deferred'; readonly key: NoticeKey };

/**
 * Whether the notice is still owed: nothing was sent and nothing claimed, so sending it later
 * cannot send it twice.
 */
export const isOwed = (outcome: NotifyOutcome): boolean =>
  outcome.kind === 'failed' || outcome.kind === 'deferred';

export type ReplayOutcome =
  | { readonly kind: 'delivered'; readonly letterId: string; readonly key: NoticeKey }
  /** A sender that crashed after dead-lettering it had delivered it after all: nothing was sent again. */
  | { readonly kind: 'already-delivered'; readonly letterId: string; readonly key: NoticeKey }
  | { readonly kind: 'failed'; readonly letterId: string; readonly key: NoticeKey; readonly error: string };

/**
 * Sends each notice at most once per kind and pool hop, to every channel that can reach its
 * owner, and keeps what could not be delivered as a dead letter. Never throws: a failed
 * notification must not undo or hold up what the ledger recorded or a policy decided.
 */
export class Notifier {
  private readonly delivery: DeliveryDeps;

  constructor(private readonly deps: NotifierDeps) {
    this.delivery = {
      channels: deps.channels,
      retry: deps.retry,
      telemetry: deps.telemetry,
      tools: {
        sleep: deps.sleep ?? realSleep,
        random: deps.random ?? Math.random,
        ...(deps.deadline ? { deadline: deps.deadline } : {}),
      },
    };
  }

  async notify(notice: Notice): Promise<NotifyOutcome> {
    const key = noticeKey(notice);
    try {
      return await this.send(notice, key);
    } catch (error) {
      this.deps.telemetry.error('a notification failed unexpectedly', {
        ...key,
        error: errorMessage(error),
      });
      this.deps.telemetry.count('NotificationFailures');
      return { kind: 'failed', key, error: errorMessage(error) };
    }
  }

  private async send(notice: Notice, key: NoticeKey): Promise<NotifyOutcome> {
    const { deps } = this;
    const nowMs = deps.clock.now();
    const recipient = resolveRecipient(notice.job.tags, deps.recipients);
    const message = renderNotice(notice, { nowMs, recipient });
    const envelopes = deps.channels.flatMap((c) => c.address(message, recipient) ?? []);
    if (envelopes.length === 0) {
      deps.telemetry.count('NotificationsWithoutDestination');
      return { kind: 'no-destination', key };
    }

    // A notice the function's timeout cut off would keep its claim without an outcome: one that
    // cannot make an attempt in time is left for a later invocation, unclaimed.
    if (!attemptFits(deps.deadline)) {
      deps.telemetry.count('NotificationsDeferred');
      return { kind: 'deferred', key };
    }
    let claim: Claim;
    try {
      claim = await deps.log.claim(key, nowMs, deps.leaseMs);
    } catch (error) {
      deps.telemetry.error('could not claim a notification; not sending it', {
        ...key,
        error: errorMessage(error),
      });
      deps.telemetry.count('NotificationLogFailures');
      return { kind: 'failed', key, error: errorMessage(error) };
    }
    if (claim.kind === 'duplicate') {
      deps.telemetry.count('NotificationsDuplicate');
      return { kind: 'duplicate', key, state: claim.state };
    }

    const report = await deliverAll(envelopes, this.delivery);
    this.reportSent(key, report, false);
    return this.settle(key, report);
  }

  /**
   * Records the outcome. If even that fails, the log says which notice (its key) and which
   * channels failed, never the message nor the owner's address: the notice is found again
   * from the ledger by its key.
   */
  private async settle(key: NoticeKey, report: DeliveryReport): Promise<NotifyOutcome> {
    const { deps } = this;
    const nowMs = deps.clock.now();
    const delivered = report.delivered.map((e) => e.channel);
    try {
      let outcome: NotifyOutcome;
      if (report.failed.length === 0) {
        await deps.log.markDelivered(key, nowMs);
        deps.telemetry.count('NotificationsSent');
        outcome = { kind: 'sent', key, channels: delivered };
      } else {
        const error = describeFailures(report.failed);
        const letter = await deps.log.deadLetter(
          key,
          report.failed.map((f) => f.envelope),
          error,
          nowMs,
        );
        deps.telemetry.error('dead-lettered a notification', {
          ...key,
          letterId: letter.id,
          error,
        });
        deps.telemetry.count('NotificationsDeadLettered');
        outcome = { kind: 'dead-lettered', key, letterId: letter.id, delivered };
      }
      // Delivered now or by a replay later, this message also tells what it covers (the job's
      // end): the log refuses their claims on this mark alone (coveredNotice), no write of theirs.
      return outcome;
    } catch (error) {
      deps.telemetry.error('could not record a notification outcome', {
        ...key,
        error: errorMessage(error),
        delivered,
        undelivered: report.failed.map((f) => ({ channel: f.envelope.channel, error: f.error.message })),
      });
      deps.telemetry.count('NotificationLogFailures');
      // Undelivered and not kept as a dead letter either: owed, so the event's retry or the
      // container's next sweep sends it again (a channel that did deliver may get it twice).
      return report.failed.length === 0
        ? { kind: 'sent', key, channels: delivered }
        : {
            kind: 'failed',
            key,
            error: `${describeFailures(report.failed)}; no dead letter kept: ${errorMessage(error)}`,
          };
    }
  }

  /**
   * Sends a dead letter's undelivered envelopes again. Checks the notice first: if it was
   * delivered meanwhile the letter is only removed. Replays of one letter must not run
   * concurrently (it is an operator's action, one at a time).
   */
  async replay(letter: DeadLetter): Promise<ReplayOutcome> {
    const { deps } = this;
    const base = { letterId: letter.id, key: letter.key };
    const notice = await deps.log.getNotice(letter.key);
    if (notice?.state === 'delivered') {
      await deps.log.resolveDeadLetter(letter, deps.clock.now());
      return { kind: 'already-delivered', ...base };
    }
    const report = await deliverAll(letter.envelopes, this.delivery);
    this.reportSent(letter.key, report, true);
    const nowMs = deps.clock.now();
    if (report.failed.length === 0) {
      await deps.log.resolveDeadLetter(letter, nowMs);
      deps.telemetry.count('NotificationsReplayed');
      return { kind: 'delivered', ...base };
    }
    const error = describeFailures(report.failed);
    await deps.log.recordReplayFailure(
      letter,
      report.failed.map((f) => f.envelope),
      error,
      nowMs,
    );
    deps.telemetry.count('NotificationReplayFailures');
    return { kind: 'failed', ...base, error };
  }

  /** Replays one page of dead letters, oldest first; pass the cursor back for the next page. */
  async replayDeadLetters(limit: number, cursor?: string): Promise<Page<ReplayOutcome>> {
    const page = await this.deps.log.listDeadLetters(limit, cursor);
    const items: ReplayOutcome[] = [];
    for (const letter of page.items) items.push(await this.replay(letter));
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  private reportSent(key: NoticeKey, report: DeliveryReport, replayed: boolean): void {
    const atMs = this.deps.clock.now();
    for (const envelope of report.delivered) {
      this.deps.telemetry.info('sent a notification', {
        ...key,
        channel: envelope.channel,
        replayed,
      });
      this.deps.onSent?.({ key, envelope, atMs, replayed });
    }
  }
}
