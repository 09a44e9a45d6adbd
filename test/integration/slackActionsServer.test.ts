import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_SLACK_ACTION_BODY_BYTES,
  type SlackActionsServer,
  startSlackActionsServer,
} from '../../devtools/local/slackActionsServer';
import { isSlackResponseUrl } from '../../lib/adapters/slack/responseUrlReplies';

let server: SlackActionsServer;
let handled = 0;

beforeAll(async () => {
  server = await startSlackActionsServer(async () => {
    handled += 1;
    return { statusCode: 200, body: '' };
  });
});
afterAll(async () => server?.close());

/** POSTs `bytes` bytes, streamed in 64 KB chunks without a Content-Length; resolves with the status. */
const postStreamed = (bytes: number) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      server.url,
      { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      // The server may drop the connection while the client still writes: the answer came first.
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error),
    );
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });

describe('the local Slack actions route', () => {
  it('refuses a body over its limit with 413, without handing it to the function', async () => {
    const before = handled;
    expect(await postStreamed(MAX_SLACK_ACTION_BODY_BYTES * 3)).toBe(413);
    expect(handled).toBe(before);
  });

  it('refuses a declared Content-Length over the limit before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        server.url,
        { method: 'POST', headers: { 'content-length': String(MAX_SLACK_ACTION_BODY_BYTES + 1) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('still serves a body within the limit', async () => {
    const before = handled;
    expect(await postStreamed(64 * 1024)).toBe(200);
    expect(handled).toBe(before + 1);
  });
});

describe("Slack's response URLs", () => {
  it.each([
    ['https://hooks.slack.com/actions/T1/2/abc', true],
    ['https://hooks.slack.com:443/actions/T1/2/abc', true],
    ['https://hooks.slack.com:8443/actions/T1/2/abc', false],
    ['https://hooks.slack.com:22/actions/T1/2/abc', false],
    ['https://user:pw@hooks.slack.com/actions/T1/2/abc', false],
    ['https://hooks.slack.com/services/T1/B2/abc', false],
    ['http://hooks.slack.com/actions/T1/2/abc', false],
    ['https://hooks.slack.com.evil.example/actions/T1', false],
  ])('%s is accepted: %s', (url, accepted) => {
    expect(isSlackResponseUrl(url, false)).toBe(accepted);
  });
});
