import type { Page } from '../ports/ledger';
import type { Envelope } from './envelope';

/** One message, once: which job's partition it lives in, what kind, which pool hop, which occurrence in the hop. */
export interface NoticeKey {
  readonly job: string;
  readonly kind: string;
  /** The job holding the pool the message is about (one job holds a pool for one hop). */
  readonly hop: string;
  /** Set when one hop can see the kind several times, e.g. the expiry an extension set. */
  readonly occurrence?: string;
}

export type NoticeState = 'claimed' | 'delivered' | 'dead-lettered';

export type Claim =
  | { readonly kind: 'claimed' }
  /** Someone else sent it, is sending it, or it is waiting in the dead letters: do not send. */
  | { readonly kind: 'duplicate'; readonly state: NoticeState };

export interface NoticeRecord {
  readonly key: NoticeKey;
  readonly state: NoticeState;
  /** How many times a sender took the notice (more than one after a crashed sender's lease ran out). */
  readonly claims: number;
  readonly claimedAtMs: number;
  readonly deliveredAtMs?: number;
  /** The notice whose message also told this one. */
  readonly coveredBy?: NoticeKey;
  readonly deadLetterId?: string;
}

/** A notice that could not be delivered after every retry: what is still to send, and why it failed. */
export interface DeadLetter {
  readonly id: string;
  readonly key: NoticeKey;
  readonly failedAtMs: number;
  /** Delivery rounds so far: the first one plus each replay. */
  readonly attempts: number;
  /** The last error, redacted. */
  readonly error: string;
  /** Only the deliveries that failed; those that succeeded are not sent again. */
  readonly envelopes: readonly Envelope[];
}

/**
 * Which notifications were sent: the guarantee of one message per kind per pool hop under
 * duplicate events, and the dead-letter store ops inspect and replay. Every write is a
 * single-item conditional write.
 */
export interface NotificationLog {
  /**
   * Takes the notice for sending, exactly once. A claim that was never settled (its sender
   * crashed) can be taken again once its lease has run out, so nothing is lost. A notice with
   * no item of its own that a covering notice tells (delivered or dead-lettered: coveredNotice)
   * is refused as delivered: that message told it already.
   */
  claim(key: NoticeKey, nowMs: number, leaseMs: number): Promise<Claim>;
  markDelivered(key: NoticeKey, nowMs: number): Promise<void>;
  /** Stores the undelivered envelopes for ops and marks the notice dead-lettered. */
  deadLetter(
    key: NoticeKey,
    envelopes: readonly Envelope[],
    error: string,
    nowMs: number,
  ): Promise<DeadLetter>;
  /** The notice's item; none: the notice as the notices covering it tell it (coveredNotice), if any does. */
  getNotice(key: NoticeKey): Promise<NoticeRecord | undefined>;
  /**
   * Every notice about one job's partition (the messages of its pool hops), oldest claim first,
   * covered ones included (withCoveredNotices).
   */
  noticesOf(job: string): Promise<NoticeRecord[]>;
  /** Oldest first. */
  listDeadLetters(limit: number, cursor?: string): Promise<Page<DeadLetter>>;
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  /** The letter's notice reached everyone: remove the letter and mark the notice delivered. */
  resolveDeadLetter(letter: DeadLetter, nowMs: number): Promise<void>;
  /** A replay failed again: keep the letter with what is still undelivered and the new error. */
  recordReplayFailure(
    letter: DeadLetter,
    envelopes: readonly Envelope[],
    error: string,
    nowMs: number,
  ): Promise<DeadLetter>;
}
