import { describe, expect, it } from 'vitest';
import { httpRequestOf } from '../../lib/events/httpApiRequest';
import { slackSignature, verifySlackSignature } from '../../lib/events/slackSignature';

// The example of api.slack.com/authentication/verifying-requests-from-slack.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW_MS = Number(TIMESTAMP) * 1000 + 30_000;

const request = (
  overrides: { timestamp?: string | undefined; signature?: string | undefined; body?: string } = {},
) => ({
  timestamp: 'timestamp' in overrides ? overrides.timestamp : TIMESTAMP,
  signature: 'signature' in overrides ? overrides.signature : SIGNATURE,
  rawBody: Buffer.from(overrides.body ?? BODY, 'utf8'),
});

describe('Slack request signatures', () => {
  it("computes Slack's documented signature", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it('accepts a good request', () => {
    expect(verifySlackSignature(request(), SECRET, NOW_MS)).toEqual({ ok: true });
  });

  it('refuses a tampered body', () => {
    expect(
      verifySlackSignature(request({ body: BODY.replace('roadrunner', 'coyote') }), SECRET, NOW_MS),
    ).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySlackSignature(request(), 'not-the-secret', NOW_MS)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a signature of another length or shape without throwing', () => {
    expect(verifySlackSignature(request({ signature: 'v0=abc' }), SECRET, NOW_MS).ok).toBe(false);
    expect(verifySlackSignature(request({ signature: SIGNATURE.toUpperCase() }), SECRET, NOW_MS).ok).toBe(
      false,
    );
  });

  it('refuses a timestamp more than five minutes old (a replay), or in the future', () => {
    const old = Number(TIMESTAMP) * 1000 + 5 * 60_000 + 1000;
    expect(verifySlackSignature(request(), SECRET, old)).toEqual({ ok: false, reason: 'stale-timestamp' });
    const early = Number(TIMESTAMP) * 1000 - 5 * 60_000 - 1000;
    expect(verifySlackSignature(request(), SECRET, early)).toEqual({ ok: false, reason: 'stale-timestamp' });
    // A fresh timestamp with the old signature: the signature covers the timestamp.
    const fresh = String(Number(TIMESTAMP) + 600);
    expect(verifySlackSignature(request({ timestamp: fresh }), SECRET, Number(fresh) * 1000)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses missing headers, a malformed timestamp and a missing secret', () => {
    expect(verifySlackSignature(request({ signature: undefined }), SECRET, NOW_MS)).toEqual({
      ok: false,
      reason: 'missing-headers',
    });
    expect(verifySlackSignature(request({ timestamp: undefined }), SECRET, NOW_MS)).toEqual({
      ok: false,
      reason: 'missing-headers',
    });
    expect(verifySlackSignature(request({ timestamp: '1531420618.5' }), SECRET, NOW_MS)).toEqual({
      ok: false,
      reason: 'bad-timestamp',
    });
    expect(verifySlackSignature(request(), undefined, NOW_MS)).toEqual({ ok: false, reason: 'no-secret' });
  });

  it('verifies the bytes HTTP API delivers, base64 or not, with headers in any case', () => {
    for (const isBase64Encoded of [true, false]) {
      const http = httpRequestOf({
        headers: { 'X-Slack-Signature': SIGNATURE, 'X-Slack-Request-Timestamp': TIMESTAMP },
        body: isBase64Encoded ? Buffer.from(BODY).toString('base64') : BODY,
        isBase64Encoded,
      });
      expect(
        verifySlackSignature(
          {
            timestamp: http.headers['x-slack-request-timestamp'],
            signature: http.headers['x-slack-signature'],
            rawBody: http.rawBody,
          },
          SECRET,
          NOW_MS,
        ),
      ).toEqual({ ok: true });
    }
  });
});
