import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing, exactly as Slack specifies it
 * (api.slack.com/authentication/verifying-requests-from-slack): the signature is `v0=` and the
 * hex HMAC-SHA256, keyed with the app's signing secret, of `v0:{timestamp}:{raw body}`; a
 * request whose timestamp is more than five minutes from now is refused (replays), and the
 * comparison takes constant time. It runs on the raw bytes, before anything parses the body.
 */
export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const VERSION = 'v0';
/** Slack: "If the timestamp is more than five minutes from local time, it could be a replay attack". */
export const SLACK_MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The body exactly as received (decoded from base64 when API Gateway encoded it). */
  readonly rawBody: Buffer;
}

export type SignatureCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason:
        | 'no-secret'
        | 'missing-headers'
        | 'bad-timestamp'
        | 'stale-timestamp'
        | 'bad-signature';
    };

/** The `X-Slack-Signature` value Slack sends for this body at this timestamp. */
export const slackSignature = (signingSecret: string, timestamp: string, rawBody: Buffer | string): string =>
  `${VERSION}=${createHmac('sha256', signingSecret)
    .update(`${VERSION}:${timestamp}:`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex')}`;

export const verifySlackSignature = (
  request: SignedRequest,
  signingSecret: string | undefined,
  nowMs: number,
): SignatureCheck => {
  if (!signingSecret) return { ok: false, reason: 'no-secret' };
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'stale-timestamp' };
  }
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, request.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a well-formed signature is public anyway.
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  return same ? { ok: true } : { ok: false, reason: 'bad-signature' };
};
