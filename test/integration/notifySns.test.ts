import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SnsSink, startSnsSink } from '../../devtools/local/snsSink';
import type { ClientTransport } from '../../lib/adapters/awsClients';
import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import { snsClient } from '../../lib/adapters/sns/snsClient';
import { SnsEmailChannel } from '../../lib/adapters/sns/snsEmailChannel';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { Notifier } from '../../lib/notify/notifier';
import { DEFAULT_RETRY_POLICY } from '../../lib/notify/retry';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2024-06-04T12:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:poolwarden-mail';

let sink: SnsSink;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_SNS;
beforeAll(async () => {
  sink = await startSnsSink();
  // The SDK's own endpoint setting, as the local stack uses it.
  process.env.AWS_ENDPOINT_URL_SNS = sink.endpoint;
});
afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
  else process.env.AWS_ENDPOINT_URL_SNS = previousEndpoint;
  await sink.close();
});

const setup = (
  attemptTimeoutMs = 2000,
  transport?: ClientTransport,
  channelLimits: { clientTimeoutMs?: number; attemptLimit?: () => AbortSignal } = {},
) => {
  const waits: number[] = [];
  const log = new MemoryNotificationLog();
  const notifier = new Notifier({
    log,
    channels: [
      new SnsEmailChannel(
        snsClient({
          attemptTimeoutMs: channelLimits.clientTimeoutMs ?? attemptTimeoutMs,
          ...(transport ? { transport } : {}),
        }),
        {
          topicArn: TOPIC,
          defaultOwner: 'unowned',
          attemptTimeoutMs,
          ...(channelLimits.attemptLimit ? { attemptLimit: channelLimits.attemptLimit } : {}),
        },
      ),
    ],
    recipients: { tagKeys: DEFAULT_OWNER_TAG_KEYS, timeZoneTagKeys: ['timezone'], defaultTimeZone: 'UTC' },
    clock: { now: () => NOW },
    telemetry: silentTelemetry,
    retry: DEFAULT_RETRY_POLICY,
    leaseMs: 120_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
  });
  return { notifier, waits, log };
};

const notice = (name: string, tags: Record<string, string>) =>
  ({
    kind: 'no-pool',
    job: sampleSnapshot(name, NOW, { tags }),
    noPool: { reason: 'no-warm-pool-quota', detail: 'the warm pool quota is probably 0' },
  }) as const;

describe('email through the local SNS endpoint, with the real SNSClient', () => {
  it('publishes one message whose attributes let each person filter their own', async () => {
    const { notifier } = setup();
    const before = sink.published.length;
    expect(
      (
        await notifier.notify(
          notice('train-1', { owner: 'alice', team: 'vision', email: 'alice@example.com' }),
        )
      ).kind,
    ).toBe('sent');
    expect(sink.published.length - before).toBe(1);
    const published = sink.published.at(-1);
    expect(published?.topicArn).toBe(TOPIC);
    expect(published?.subject).toBe(
      '[poolwarden] train-1 got no warm pool: the ml.g5.2xlarge warm pool quota is probably 0',
    );
    expect(published?.message).toContain('No warm pool for train-1');
    expect(published?.attributes).toEqual({
      owner: 'alice',
      team: 'vision',
      email: 'alice@example.com',
      kind: 'no-pool',
      job: 'train-1',
    });
    expect(sink.requests.at(-1)).toMatchObject({ Action: 'Publish', Version: '2010-03-31', TopicArn: TOPIC });
  });

  it('sends a duplicate nothing', async () => {
    const { notifier } = setup();
    const before = sink.published.length;
    await notifier.notify(notice('train-2', { owner: 'bob' }));
    await notifier.notify(notice('train-2', { owner: 'bob' }));
    expect(sink.published.length - before).toBe(1);
  });

  it('retries an SNS 500, then delivers', async () => {
    sink.failNext({ status: 500, code: 'InternalError' });
    const { notifier, waits } = setup();
    expect((await notifier.notify(notice('train-3', {}))).kind).toBe('sent');
    expect(waits).toEqual([250]);
    expect(sink.published.at(-1)?.attributes.owner).toBe('unowned');
  });

  it('retries a request that times out', async () => {
    sink.failNext({ hang: true });
    const { notifier, waits } = setup(200);
    const before = sink.requests.length;
    expect((await notifier.notify(notice('train-5', {}))).kind).toBe('sent');
    expect(sink.requests.length - before).toBe(2);
    expect(waits).toEqual([250]);
  });

  it("ends a request left unanswered at the attempt's limit, whatever the client's own timeouts", async () => {
    sink.failNext({ hang: true });
    // A connect and a request may each take the client's timeout; the attempt is bounded as one.
    const attempts: AbortController[] = [];
    const { notifier, waits } = setup(2000, undefined, {
      clientTimeoutMs: 600_000,
      attemptLimit: () => {
        const limit = new AbortController();
        attempts.push(limit);
        return limit.signal;
      },
    });
    const before = sink.requests.length;
    const sending = notifier.notify(notice('train-7', {}));
    await vi.waitFor(() => expect(sink.requests.length - before).toBe(1));
    attempts[0]?.abort();
    expect((await sending).kind).toBe('sent');
    expect(sink.requests.length - before).toBe(2);
    expect(waits).toEqual([250]);
  });

  it('dead-letters a refusal at once', async () => {
    sink.failNext({ status: 403, code: 'AuthorizationError', message: 'not allowed to publish' });
    const { notifier, log } = setup();
    expect((await notifier.notify(notice('train-4', {}))).kind).toBe('dead-lettered');
    expect((await log.listDeadLetters(1)).items[0]?.error).toBe(
      'email: SNS AuthorizationErrorException (HTTP 403): not allowed to publish',
    );
  });

  it("publishes and retries alike through the endpoint in process (the local stack's path)", async () => {
    const { notifier, waits } = setup(2000, sink.transport);
    const before = sink.published.length;
    sink.failNext({ status: 500, code: 'InternalError' }, { hang: true });
    expect((await notifier.notify(notice('train-6', { owner: 'carol', team: 'nlp' }))).kind).toBe('sent');
    expect(waits).toEqual([250, 500]);
    expect(sink.published.length - before).toBe(1);
    expect(sink.published.at(-1)?.attributes).toEqual({
      owner: 'carol',
      team: 'nlp',
      kind: 'no-pool',
      job: 'train-6',
    });
    expect(sink.requests.at(-1)).toMatchObject({ Action: 'Publish', Version: '2010-03-31', TopicArn: TOPIC });
  });
});
