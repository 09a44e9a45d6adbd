/**
 * Beside a notice's delivery, the notification log's writes: its claim before, its outcome after.
 * A delivery is only started, and a retry only made, when they still fit in the invocation.
 */
export const NOTICE_LOG_WRITES_MS = 3_000;

/**
 * The invocation a delivery runs in, when it has an end: an attempt is only made when it can run
 * to its timeout and still leave the log's writes their time (NOTICE_LOG_WRITES_MS), so that no
 * notice is cut off by the function's timeout with its outcome unwritten.
 *
 * Each channel ends an attempt within its timeout, whatever calls it makes (attemptLimit.ts in
 * lib/adapters). Assumed: the log's writes take NOTICE_LOG_WRITES_MS at most.
 */
export interface DeliveryDeadline {
  /** What is left of the invocation, in milliseconds. */
  readonly leftMs: () => number;
  /** How long one attempt may take (each channel's timeout). */
  readonly attemptTimeoutMs: number;
}

/** What an attempt made after waiting `waitMs` needs of the invocation, the log's writes included. */
export const attemptNeedMs = (attemptTimeoutMs: number, waitMs = 0): number =>
  waitMs + attemptTimeoutMs + NOTICE_LOG_WRITES_MS;

/** Whether an attempt made after waiting `waitMs` would end, log writes included, before the deadline. */
export const attemptFits = (deadline: DeliveryDeadline | undefined, waitMs = 0): boolean =>
  !deadline || deadline.leftMs() >= attemptNeedMs(deadline.attemptTimeoutMs, waitMs);
