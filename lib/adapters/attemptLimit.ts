/**
 * One delivery attempt's time limit, shared by every call the attempt makes: the Slack bot's
 * look-up of an e-mail address and its post, or an SNS connect and its request, end together
 * when the attempt's time is up. A limit per call would let an attempt of two calls take twice
 * its timeout, past what the invocation's deadline reserved for it (deliveryDeadline.ts).
 */
export type AttemptLimit = () => AbortSignal;

/** The limit of an attempt that may take `timeoutMs`, counted from when the attempt starts. */
export const attemptLimitOf =
  (timeoutMs: number): AttemptLimit =>
  () =>
    AbortSignal.timeout(timeoutMs);
