import { describe, expect, it } from 'vitest';
import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { type DeliveryDeadline, NOTICE_LOG_WRITES_MS } from '../../lib/notify/deliveryDeadline';
import { type DeliveryError, permanentFailure, transientFailure } from '../../lib/notify/deliveryError';
import type { ChannelName, Envelope } from '../../lib/notify/envelope';
import type { RenderedMessage } from '../../lib/notify/messages/draft';
import type { Notice } from '../../lib/notify/notice';
import type { NotificationChannel } from '../../lib/notify/notificationChannel';
import { NoticesNotSentError, notificationReactor } from '../../lib/notify/notificationReactor';
import { isOwed, Notifier, type SentNotification } from '../../lib/notify/notifier';
import type { Recipient } from '../../lib/notify/recipient';
import type { RetryPolicy } from '../../lib/notify/retry';
import type { LogFields, Telemetry } from '../../lib/ports/telemetry';
import { sampleSnapshot } from '../support/sampleCriteria';

const NOW = 1_717_500_000_000;
const MIN = 60_000;
const snapshot = (name: string, tags: Record<string, string> = { owner: 'alice' }): JobSnapshot =>
  sampleSnapshot(name, NOW, { keepAliveSeconds: 3600, tags });

/** A channel that fails as scripted, then succeeds; it records each attempt. */
class FakeChannel implements NotificationChannel {
  readonly attempts: Envelope[] = [];
  readonly sent: Envelope[] = [];
  readonly failures: DeliveryError[] = [];
  down = false;

  constructor(readonly name: ChannelName) {}

  address(message: RenderedMessage, recipient: Recipient): Envelope {
    return this.name === 'slack'
      ? {
          channel: 'slack',
          to: { via: 'channel', channel: recipient.owner ?? 'default' },
          text: message.text,
          blocks: [],
        }
      : { channel: 'email', subject: message.email.subject, body: message.email.body, attributes: {} };
  }

  async send(envelope: Envelope): Promise<void> {
    this.attempts.push(envelope);
    const failure = this.down ? transientFailure('HTTP 503') : this.failures.shift();
    if (failure) throw failure;
    this.sent.push(envelope);
  }
}

const recordingTelemetry = () => {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const counts: Record<string, number> = {};
  const telemetry: Telemetry = {
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
    count: (metric, value = 1) => {
      counts[metric] = (counts[metric] ?? 0) + value;
    },
  };
  return { telemetry, lines, counts };
};

const RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2000, waitBudgetMs: 5000 };

const setup = (channelNames: ChannelName[] = ['slack'], deadline?: DeliveryDeadline) => {
  const clock = {
    t: NOW,
    now() {
      return this.t;
    },
  };
  const log = new MemoryNotificationLog();
  const channels = channelNames.map((n) => new FakeChannel(n));
  const waits: number[] = [];
  const sent: SentNotification[] = [];
  const { telemetry, lines, counts } = recordingTelemetry();
  const notifier = new Notifier({
    log,
    channels,
    recipients: { tagKeys: DEFAULT_OWNER_TAG_KEYS, timeZoneTagKeys: ['timezone'], defaultTimeZone: 'UTC' },
    clock,
    telemetry,
    retry: RETRY,
    leaseMs: 2 * MIN,
    ...(deadline ? { deadline } : {}),
    sleep: async (ms) => {
      waits.push(ms);
      clock.t += ms;
    },
    random: () => 1,
    onSent: (s) => sent.push(s),
  });
  return { clock, log, channels, waits, sent, notifier, lines, counts };
};

const ended = (name = 'a'): Notice => ({ kind: 'job-ended', job: snapshot(name) });

describe('Notifier', () => {
  it('sends a notice once to every channel and reports each message sent', async () => {
    const { notifier, channels, sent, log } = setup(['slack', 'email']);
    expect(await notifier.notify(ended())).toMatchObject({ kind: 'sent', channels: ['slack', 'email'] });
    expect(channels.map((c) => c.sent.length)).toEqual([1, 1]);
    expect(sent.map((s) => s.envelope.channel)).toEqual(['slack', 'email']);
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toMatchObject({
      state: 'delivered',
    });
  });

  it('sends a duplicate notice nothing, however often it comes', async () => {
    const { notifier, channels } = setup();
    const outcomes = await Promise.all([
      notifier.notify(ended()),
      notifier.notify(ended()),
      notifier.notify(ended()),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'duplicate', 'sent']);
    expect(channels[0]?.sent).toHaveLength(1);
  });

  it('retries a 5xx with exponential backoff, then delivers', async () => {
    const { notifier, channels, waits, counts } = setup();
    channels[0]?.failures.push(transientFailure('HTTP 500'), transientFailure('HTTP 502'));
    expect((await notifier.notify(ended())).kind).toBe('sent');
    expect(channels[0]?.attempts).toHaveLength(3);
    expect(waits).toEqual([200, 400]);
    expect(counts.NotificationRetries).toBe(2);
  });

  it('honours Retry-After exactly instead of its own backoff', async () => {
    const { notifier, channels, waits } = setup();
    channels[0]?.failures.push(transientFailure('HTTP 429', 3000));
    expect((await notifier.notify(ended())).kind).toBe('sent');
    expect(waits).toEqual([3000]);
  });

  it('does not sleep past its budget: a long Retry-After dead-letters at once', async () => {
    const { notifier, channels, waits, log } = setup();
    channels[0]?.failures.push(transientFailure('HTTP 429', 60_000));
    const outcome = await notifier.notify(ended());
    expect(outcome.kind).toBe('dead-lettered');
    expect(waits).toEqual([]);
    const page = await log.listDeadLetters(10);
    expect(page.items[0]?.error).toMatch(/HTTP 429.*exceeds the 5000 ms left/);
  });

  it('does not retry a permanent failure', async () => {
    const { notifier, channels } = setup();
    channels[0]?.failures.push(permanentFailure('channel_not_found'));
    expect((await notifier.notify(ended())).kind).toBe('dead-lettered');
    expect(channels[0]?.attempts).toHaveLength(1);
  });

  it('dead-letters only the channel that failed, and a replay sends only that one', async () => {
    const { notifier, channels, log, clock } = setup(['slack', 'email']);
    const [slack, email] = channels;
    if (!slack || !email) throw new Error('two channels');
    slack.down = true;
    const outcome = await notifier.notify(ended());
    expect(outcome).toMatchObject({ kind: 'dead-lettered', delivered: ['email'] });
    const [letter] = (await log.listDeadLetters(10)).items;
    expect(letter?.envelopes.map((e) => e.channel)).toEqual(['slack']);
    expect(letter?.error).toContain('slack: HTTP 503');
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toMatchObject({
      state: 'dead-lettered',
    });

    // A duplicate event while the letter waits sends nothing: ops replay it.
    expect((await notifier.notify(ended())).kind).toBe('duplicate');

    slack.down = false;
    clock.t += 10 * MIN;
    const replay = await notifier.replayDeadLetters(10);
    expect(replay.items.map((r) => r.kind)).toEqual(['delivered']);
    expect(slack.sent).toHaveLength(1);
    expect(email.sent).toHaveLength(1);
    expect((await log.listDeadLetters(10)).items).toEqual([]);
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toMatchObject({
      state: 'delivered',
    });
  });

  it('keeps a letter whose replay fails again, counting the attempt', async () => {
    const { notifier, channels, log } = setup();
    const slack = channels[0];
    if (!slack) throw new Error('a channel');
    slack.down = true;
    await notifier.notify(ended());
    const replay = await notifier.replayDeadLetters(10);
    expect(replay.items[0]?.kind).toBe('failed');
    expect((await log.listDeadLetters(10)).items[0]?.attempts).toBe(2);
  });

  it('replaying a letter whose notice was delivered meanwhile only removes it', async () => {
    const { notifier, channels, log } = setup();
    const slack = channels[0];
    if (!slack) throw new Error('a channel');
    slack.down = true;
    await notifier.notify(ended());
    await log.markDelivered({ job: 'a', kind: 'job-ended', hop: 'a' }, NOW);
    slack.down = false;
    expect((await notifier.replayDeadLetters(10)).items[0]?.kind).toBe('already-delivered');
    expect(slack.sent).toHaveLength(0);
  });

  it('takes over a claim whose sender crashed once its lease has run out', async () => {
    const { notifier, channels, log, clock } = setup();
    await log.claim({ job: 'a', kind: 'job-ended', hop: 'a' }, NOW, 2 * MIN);
    expect((await notifier.notify(ended())).kind).toBe('duplicate');
    clock.t += 3 * MIN;
    expect((await notifier.notify(ended())).kind).toBe('sent');
    expect(channels[0]?.sent).toHaveLength(1);
  });

  it('marks job-ended as told once the pool message, which tells it too, is sent', async () => {
    const { notifier, channels } = setup();
    await notifier.notify({ kind: 'pool-available', job: snapshot('a'), expiresAtMs: NOW + 30 * MIN });
    expect((await notifier.notify(ended())).kind).toBe('duplicate');
    expect(channels[0]?.sent).toHaveLength(1);
  });

  it('never throws, and sends nothing it could not claim, when the log is down', async () => {
    const { notifier, channels, log, counts } = setup();
    log.claim = async () => {
      throw new Error('DynamoDB unreachable');
    };
    expect(await notifier.notify(ended())).toMatchObject({ kind: 'failed', error: 'DynamoDB unreachable' });
    expect(channels[0]?.attempts).toHaveLength(0);
    expect(counts.NotificationLogFailures).toBe(1);
  });

  it('logs which notice and channels failed, never the message nor the address, when it cannot record the dead letter', async () => {
    const { notifier, channels, log, lines } = setup();
    const slack = channels[0];
    if (!slack) throw new Error('a channel');
    slack.down = true;
    log.deadLetter = async () => {
      throw new Error('DynamoDB unreachable');
    };
    // Neither delivered nor kept as a dead letter: owed, so that the notice is sent again later.
    const outcome = await notifier.notify(ended());
    expect(outcome.kind).toBe('failed');
    expect(isOwed(outcome)).toBe(true);
    const logged = lines.find((l) => l.message === 'could not record a notification outcome');
    const fields = JSON.stringify(logged?.fields);
    expect(logged?.fields).toMatchObject({
      job: 'a',
      kind: 'job-ended',
      undelivered: [{ channel: 'slack' }],
    });
    expect(fields).not.toContain('completed after');
    expect(fields).not.toMatch(/@example\.com/);
  });

  it("tells a job's end once: the delivered mark of the message that told it is the only write", async () => {
    const { notifier, channels, log, clock } = setup();
    const available: Notice = { kind: 'pool-available', job: snapshot('a'), expiresAtMs: NOW + 60 * MIN };
    // A sender that dies between its claim and its delivered mark has told nothing yet.
    await log.claim({ job: 'a', kind: 'pool-available', hop: 'a' }, NOW, 2 * MIN);
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toBeUndefined();
    clock.t += 3 * MIN;
    expect((await notifier.notify(available)).kind).toBe('sent');
    // A later "job ended" (a retried event, another container): refused, nothing written for it.
    expect(await notifier.notify(ended())).toMatchObject({ kind: 'duplicate', state: 'delivered' });
    expect(channels[0]?.sent).toHaveLength(1);
    expect(await log.noticesOf('a')).toEqual([
      expect.objectContaining({
        key: { job: 'a', kind: 'pool-available', hop: 'a' },
        state: 'delivered',
        claims: 2,
      }),
      expect.objectContaining({
        key: { job: 'a', kind: 'job-ended', hop: 'a' },
        claims: 0,
        coveredBy: { job: 'a', kind: 'pool-available', hop: 'a' },
      }),
    ]);
  });

  it('leaves a notice it has no time to attempt unclaimed and unsent, owed to a later invocation', async () => {
    const left = { ms: 4_000 + NOTICE_LOG_WRITES_MS - 1 };
    const { notifier, channels, log, counts } = setup(['slack'], {
      leftMs: () => left.ms,
      attemptTimeoutMs: 4_000,
    });
    expect(await notifier.notify(ended())).toEqual({
      kind: 'deferred',
      key: { job: 'a', kind: 'job-ended', hop: 'a' },
    });
    expect(channels[0]?.attempts).toHaveLength(0);
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toBeUndefined();
    expect(counts.NotificationsDeferred).toBe(1);
    // Unclaimed, so the next invocation sends it, once.
    left.ms = 30_000;
    expect((await notifier.notify(ended())).kind).toBe('sent');
    expect(channels[0]?.sent).toHaveLength(1);
  });

  it('dead-letters, with its outcome written, a notice whose next retry would run past the invocation', async () => {
    // The waits advance the setup's clock; the invocation ends 7.5 s after the first attempt.
    const at: { now?: () => number } = {};
    const endsAtMs = NOW + 7_500;
    const deadline: DeliveryDeadline = {
      leftMs: () => endsAtMs - (at.now?.() ?? NOW),
      attemptTimeoutMs: 4_000,
    };
    const { notifier, channels, log, waits, clock } = setup(['slack'], deadline);
    at.now = () => clock.now();
    const slack = channels[0];
    if (!slack) throw new Error('a channel');
    slack.down = true;
    // The first retry (200 ms, a 4 s attempt, the writes: 7.2 s) fits; the second (7.4 s, 7.3 s left) does not.
    expect((await notifier.notify(ended())).kind).toBe('dead-lettered');
    expect(slack.attempts).toHaveLength(2);
    expect(waits).toEqual([200]);
    const page = await log.listDeadLetters(10);
    expect(page.items[0]?.error).toBe(
      'slack: HTTP 503 (gave up: a retry after 400 ms would not end before the invocation does)',
    );
  });

  it('sends nothing and claims nothing when no channel is configured', async () => {
    const { notifier, log } = setup([]);
    expect((await notifier.notify(ended())).kind).toBe('no-destination');
    expect(await log.getNotice({ job: 'a', kind: 'job-ended', hop: 'a' })).toBeUndefined();
  });
});

describe('notificationReactor', () => {
  const facts = (record: JobRecord): LedgerFact[] => [
    { kind: 'job-ended', job: { name: record.name, ...(record.job ? { job: record.job } : {}) } },
    { kind: 'pool-available', job: record },
  ];
  const record: JobRecord = {
    name: 'a',
    job: snapshot('a'),
    pool: {
      status: 'Available',
      availableSinceMs: NOW - MIN,
      expiresAtMs: NOW + 59 * MIN,
      observedAtMs: NOW,
    },
  };

  it('turns a batch of duplicate deliveries into one message', async () => {
    const { notifier, channels, clock } = setup();
    const reactor = notificationReactor({ notifier, clock, expiryWarningLead: 15 * 60, concurrency: 4 });
    await reactor.react(facts(record));
    await reactor.react(facts(record));
    await reactor.react([facts(record)[0] as LedgerFact]);
    expect(channels[0]?.sent.map((e) => e.channel === 'slack' && e.text)).toEqual([
      'Warm pool of a available until 12:19 UTC (in 59 min)',
    ]);
  });

  it('warns once before the end as the sweep keeps reporting the pool', async () => {
    const { notifier, channels, clock } = setup();
    const reactor = notificationReactor({ notifier, clock, expiryWarningLead: 15 * 60, concurrency: 4 });
    await reactor.react(facts(record));
    for (let minute = 1; minute < 70; minute++) {
      clock.t = NOW + minute * MIN;
      await reactor.react([{ kind: 'pool-available', job: record }]);
    }
    expect(channels[0]?.sent.map((e) => (e.channel === 'slack' ? e.text : ''))).toEqual([
      'Warm pool of a available until 12:19 UTC (in 59 min)',
      'Warm pool of a ends in 15 min (12:19 UTC)',
    ]);
  });

  it('fails, naming them, on the notices it had no time to send, so that the event is retried', async () => {
    const left = { ms: 1_000 };
    const { notifier, channels, clock } = setup(['slack'], {
      leftMs: () => left.ms,
      attemptTimeoutMs: 4_000,
    });
    const unsent: Notice[] = [];
    const reactor = notificationReactor({
      notifier,
      clock,
      expiryWarningLead: 0,
      concurrency: 1,
      onUnsent: (notice) => unsent.push(notice),
    });
    const failure = await reactor.react(facts(record)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoticesNotSentError);
    expect((failure as NoticesNotSentError).failed).toEqual([{ job: 'a', kind: 'pool-available', hop: 'a' }]);
    expect(channels[0]?.attempts).toHaveLength(0);
    // The container keeps it owed too (the sweep's owed facts hold only pools available).
    expect(unsent.map((n) => [n.job.name, n.kind])).toEqual([['a', 'pool-available']]);
    // Lambda's retry, with a whole invocation ahead, sends it once.
    left.ms = 30_000;
    await reactor.react(facts(record));
    await reactor.react(facts(record));
    expect(channels[0]?.sent).toHaveLength(1);
  });

  it('never throws, even when every channel is down', async () => {
    const { notifier, channels, clock } = setup();
    const slack = channels[0];
    if (!slack) throw new Error('a channel');
    slack.down = true;
    const reactor = notificationReactor({ notifier, clock, expiryWarningLead: 0, concurrency: 1 });
    await expect(reactor.react(facts(record))).resolves.toBeUndefined();
  });
});
