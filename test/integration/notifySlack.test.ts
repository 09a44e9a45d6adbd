import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackSink, startSlackSink } from '../../devtools/local/slackSink';
import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import { SlackBotChannel } from '../../lib/adapters/slack/slackBotChannel';
import { SlackWebhookChannel } from '../../lib/adapters/slack/slackWebhookChannel';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { renderNotice } from '../../lib/notify/messages/render';
import type { Notice } from '../../lib/notify/notice';
import type { NotificationChannel } from '../../lib/notify/notificationChannel';
import { Notifier } from '../../lib/notify/notifier';
import { DEFAULT_RETRY_POLICY } from '../../lib/notify/retry';
import type { Telemetry } from '../../lib/ports/telemetry';
import { sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2024-06-04T12:00:00Z');
const TOKEN = 'xoxb-test-0000-sEcReT';
const snapshot = (name: string, tags: Record<string, string>): JobSnapshot =>
  sampleSnapshot(name, NOW, { tags });
const available = (name: string, tags: Record<string, string>): Notice => ({
  kind: 'pool-available',
  job: snapshot(name, tags),
  expiresAtMs: NOW + 1800_000,
});

let sink: SlackSink;
beforeEach(async () => {
  sink = await startSlackSink({ users: { 'alice@example.com': 'U0ALICE' }, botToken: TOKEN });
});
afterEach(async () => {
  await sink.close();
});

const logged: string[] = [];
const telemetry: Telemetry = {
  info: (m, f) => logged.push(m + JSON.stringify(f ?? {})),
  warn: (m, f) => logged.push(m + JSON.stringify(f ?? {})),
  error: (m, f) => logged.push(m + JSON.stringify(f ?? {})),
  count: () => {},
};

const notifierWith = (channel: NotificationChannel) => {
  const waits: number[] = [];
  const log = new MemoryNotificationLog();
  const notifier = new Notifier({
    log,
    channels: [channel],
    recipients: { tagKeys: DEFAULT_OWNER_TAG_KEYS, timeZoneTagKeys: ['timezone'], defaultTimeZone: 'UTC' },
    clock: { now: () => NOW },
    telemetry,
    retry: DEFAULT_RETRY_POLICY,
    leaseMs: 120_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
  });
  return { notifier, waits, log };
};

describe('Slack incoming webhook', () => {
  const webhook = (timeoutMs = 2_000) =>
    new SlackWebhookChannel({
      secrets: () => ({ webhookUrl: sink.webhookUrl }),
      attemptTimeoutMs: timeoutMs,
    });

  it('posts the Block Kit message as JSON to the webhook URL, exactly', async () => {
    const channel = webhook();
    const { notifier } = notifierWith(channel);
    const notice = available('train-1', { owner: 'alice' });
    expect((await notifier.notify(notice)).kind).toBe('sent');

    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request?.endpoint).toBe('webhook');
    expect(request?.path).toBe('/services/T00000000/B00000000/local-sink');
    expect(request?.headers['content-type']).toBe('application/json');
    const message = channel.address(
      renderNotice(notice, { nowMs: NOW, recipient: { owner: 'alice', timeZone: 'UTC', unowned: false } }),
    );
    expect(request?.body).toEqual({ text: message.text, blocks: message.blocks, unfurl_links: false });
    expect(request?.body.text).toBe('Warm pool of train-1 available until 12:30 UTC (in 30 min)');
  });

  it('honours a 429 Retry-After, then delivers once', async () => {
    sink.failNext({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });
    const { notifier, waits } = notifierWith(webhook());
    expect((await notifier.notify(available('train-2', {}))).kind).toBe('sent');
    expect(waits).toEqual([2000]);
    expect(sink.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(sink.messages).toHaveLength(1);
  });

  it('retries a 500 with backoff and dead-letters what still fails, without the URL in any error', async () => {
    sink.failNext(
      { status: 500, body: 'oops' },
      { status: 500, body: 'oops' },
      { status: 500, body: 'oops' },
    );
    const { notifier, waits, log } = notifierWith(webhook());
    expect((await notifier.notify(available('train-3', {}))).kind).toBe('dead-lettered');
    expect(sink.requests.map((r) => r.status)).toEqual([500, 500, 500]);
    expect(waits).toEqual([250, 500]);
    const [letter] = (await log.listDeadLetters(10)).items;
    expect(letter?.error).toBe('slack: Slack webhook answered HTTP 500');
    expect(JSON.stringify(letter)).not.toContain(sink.webhookUrl);
    expect(logged.join('\n')).not.toContain('local-sink');
  });

  it('retries a timeout', async () => {
    sink.failNext({ hang: true });
    const { notifier, waits } = notifierWith(webhook(150));
    expect((await notifier.notify(available('train-4', {}))).kind).toBe('sent');
    expect(sink.requests.map((r) => r.status)).toEqual([0, 200]);
    expect(waits).toEqual([250]);
  });

  it('does not retry a 4xx, which retrying cannot fix', async () => {
    sink.failNext({ status: 404, body: 'no_service' });
    const { notifier, log } = notifierWith(webhook());
    expect((await notifier.notify(available('train-5', {}))).kind).toBe('dead-lettered');
    expect(sink.requests).toHaveLength(1);
    expect((await log.listDeadLetters(1)).items[0]?.error).toBe(
      'slack: Slack webhook answered HTTP 404: no_service',
    );
  });

  it('dead-letters, naming the cause, when the webhook URL never arrived', async () => {
    const { notifier, log } = notifierWith(
      new SlackWebhookChannel({ secrets: () => ({}), attemptTimeoutMs: 1000 }),
    );
    expect((await notifier.notify(available('train-6', {}))).kind).toBe('dead-lettered');
    expect((await log.listDeadLetters(1)).items[0]?.error).toContain('no Slack webhook URL');
    expect(sink.requests).toHaveLength(0);
  });

  describe("through the sink in process (the local stack's path), as over HTTP", () => {
    const inProcess = () =>
      new SlackWebhookChannel({
        secrets: () => ({ webhookUrl: sink.webhookUrl }),
        attemptTimeoutMs: 2_000,
        fetch: sink.fetch,
      });

    it('posts the same message, and honours a 429 Retry-After', async () => {
      sink.failNext({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });
      const { notifier, waits } = notifierWith(inProcess());
      expect((await notifier.notify(available('train-7', { owner: 'alice' }))).kind).toBe('sent');
      expect(waits).toEqual([2000]);
      expect(sink.requests.map((r) => [r.endpoint, r.path, r.status])).toEqual([
        ['webhook', '/services/T00000000/B00000000/local-sink', 429],
        ['webhook', '/services/T00000000/B00000000/local-sink', 200],
      ]);
      expect(sink.requests[1]?.headers['content-type']).toBe('application/json');
      expect(sink.messages.map((m) => m.text)).toEqual([expect.stringContaining('train-7')]);
    });

    it('does not retry a 4xx, and retries a request left unanswered', async () => {
      sink.failNext({ status: 404, body: 'no_service' });
      const { notifier, log } = notifierWith(inProcess());
      expect((await notifier.notify(available('train-8', {}))).kind).toBe('dead-lettered');
      expect((await log.listDeadLetters(1)).items[0]?.error).toBe(
        'slack: Slack webhook answered HTTP 404: no_service',
      );
      sink.failNext({ hang: true });
      const { notifier: again, waits } = notifierWith(inProcess());
      expect((await again.notify(available('train-9', {}))).kind).toBe('sent');
      expect(sink.requests.map((r) => r.status)).toEqual([404, 0, 200]);
      expect(waits).toEqual([250]);
    });

    it('serves no other URL', async () => {
      await expect(sink.fetch('https://hooks.slack.com/services/T/B/x', { method: 'POST' })).rejects.toThrow(
        'not served in process',
      );
      expect(sink.requests).toHaveLength(0);
    });
  });
});

describe('Slack Web API with a bot token', () => {
  const bot = (token = TOKEN) =>
    new SlackBotChannel({
      secrets: () => ({ botToken: token }),
      defaultChannel: 'C0PLATFORM',
      dmByEmail: true,
      apiUrl: sink.apiUrl,
      attemptTimeoutMs: 2_000,
    });

  it('posts to the channel the job tag names, with the bearer token, exactly', async () => {
    const { notifier } = notifierWith(bot());
    expect((await notifier.notify(available('train-10', { 'slack-channel': 'C0VISION' }))).kind).toBe('sent');
    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request?.method).toBe('chat.postMessage');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(request?.body ?? {}).sort()).toEqual([
      'blocks',
      'channel',
      'text',
      'unfurl_links',
      'unfurl_media',
    ]);
    expect(request?.body).toMatchObject({
      channel: 'C0VISION',
      text: 'Warm pool of train-10 available until 12:30 UTC (in 30 min)',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    const blocks = request?.body.blocks;
    expect(Array.isArray(blocks) && blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: 'pool.extend', value: '{"job":"train-10","hop":"train-10"}' },
        { action_id: 'pool.keep_until_eod', value: '{"job":"train-10","hop":"train-10"}' },
        { action_id: 'pool.stop', value: '{"job":"train-10","hop":"train-10"}' },
      ],
    });
  });

  it("finds the owner's DM by email once, then posts there", async () => {
    const channel = bot();
    const { notifier } = notifierWith(channel);
    await notifier.notify(available('train-11', { email: 'alice@example.com' }));
    await notifier.notify(available('train-12', { email: 'alice@example.com' }));
    expect(sink.requests.map((r) => [r.method, r.body.email ?? r.body.channel])).toEqual([
      ['users.lookupByEmail', 'alice@example.com'],
      ['chat.postMessage', 'U0ALICE'],
      ['chat.postMessage', 'U0ALICE'],
    ]);
  });

  it('falls back to the default channel for an email Slack does not know, and for jobs naming no one', async () => {
    const { notifier } = notifierWith(bot());
    await notifier.notify(available('train-13', { email: 'nobody@example.com' }));
    await notifier.notify(available('train-14', {}));
    expect(sink.messages.map((m) => m.channel)).toEqual(['C0PLATFORM', 'C0PLATFORM']);
  });

  it('honours a 429 Retry-After from the Web API', async () => {
    sink.failNext({ status: 429, headers: { 'retry-after': '1' } });
    const { notifier, waits } = notifierWith(bot());
    expect((await notifier.notify(available('train-15', { 'slack-user': 'U0BOB' }))).kind).toBe('sent');
    expect(waits).toEqual([1000]);
    expect(sink.requests.map((r) => [r.method, r.status])).toEqual([
      ['chat.postMessage', 429],
      ['chat.postMessage', 200],
    ]);
  });

  it('retries a 500 from the Web API, then delivers', async () => {
    sink.failNext({ status: 500 }, { status: 503 });
    const { notifier, waits } = notifierWith(bot());
    expect((await notifier.notify(available('train-16', { 'slack-user': 'U0BOB' }))).kind).toBe('sent');
    expect(waits).toEqual([250, 500]);
    expect(sink.messages.map((m) => m.channel)).toEqual(['U0BOB']);
  });

  it('dead-letters a refused token at once, without the token in the error', async () => {
    const wrong = 'xoxb-wrong-sEcReT';
    const { notifier, log } = notifierWith(bot(wrong));
    expect((await notifier.notify(available('train-17', {}))).kind).toBe('dead-lettered');
    expect(sink.requests).toHaveLength(1);
    const [letter] = (await log.listDeadLetters(1)).items;
    expect(letter?.error).toBe('slack: Slack API error: invalid_auth');
    expect(logged.join('\n')).not.toContain('sEcReT');
  });
});
