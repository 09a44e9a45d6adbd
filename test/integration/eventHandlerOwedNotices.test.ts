import { describe, expect, it } from 'vitest';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { createHandler } from '../../functions/onJobStateChange';
import type { Claim, NoticeKey, NotificationLog } from '../../lib/notify/notificationLog';
import type { SentNotification } from '../../lib/notify/notifier';
import type { Telemetry } from '../../lib/ports/telemetry';
import { Runtime } from '../../lib/wiring/runtime';
import { CONTEXT_KEYS } from '../../lib/wiring/ssmParameters';
import { lambdaContext } from '../support/lambdaContext';
import { samplePolicyStop } from '../support/samplePolicyStop';
import { webhookConfig } from '../support/webhookConfig';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
const quiet: Telemetry = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };
const WEBHOOK_URL = 'https://hooks.slack.com/services/T000/B000/test';
/** An invocation's context, with the webhook URL middy fetched from SSM onto it. */
const context = () => ({ ...lambdaContext('onJobStateChange'), [CONTEXT_KEYS.slackWebhookUrl]: WEBHOOK_URL });

/** The notification log as DynamoDB throttling it: its first `refusals` claims fail. */
const throttledAtFirst = (log: NotificationLog, refusals: number): NotificationLog => {
  let left = refusals;
  return new Proxy(log, {
    get(target, property, receiver) {
      if (property !== 'claim') return Reflect.get(target, property, receiver);
      return (key: NoticeKey, nowMs: number, leaseMs: number): Promise<Claim> =>
        left-- > 0
          ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
          : target.claim(key, nowMs, leaseMs);
    },
  });
};

/** The event handler's runtime, its notices to a Slack webhook answered in process, and what it sent. */
const eventHandlerRuntime = (clock: { ms: number }, refusals = 1) => {
  const sent: SentNotification[] = [];
  const stores = memoryStores();
  const runtime = new Runtime({
    config: webhookConfig(),
    telemetry: quiet,
    clock: { now: () => clock.ms },
    pause: {
      until: async (atMs) => {
        clock.ms = Math.max(clock.ms, atMs);
      },
    },
    stores: { ...stores, notifications: throttledAtFirst(stores.notifications, refusals) },
    transport: { slackWebhook: async () => new Response('ok', { status: 200 }) },
    onSent: (notification) => sent.push(notification),
  });
  runtime.refresh(context());
  return { runtime, sent };
};

/** The event handler's policy stopped a pool at its job's end. */
const stopped = samplePolicyStop('train-a', T0);

describe("the event handler's container", () => {
  it('sends the notice of its action that the log refused after a later event, once', async () => {
    const clock = { ms: T0 };
    const { runtime, sent } = eventHandlerRuntime(clock);
    const handler = createHandler(() => runtime);
    await runtime.onAction(stopped);
    expect(sent).toHaveLength(0); // the claim was throttled: nothing sent, rightly

    // Any later event, even one it refuses, gives the container its chance to send what it owes.
    clock.ms += MIN;
    await handler({ source: 'not-sagemaker' }, context());
    expect(sent.map((s) => [s.key.job, s.key.kind])).toEqual([['train-a', 'pool-stopped']]);

    clock.ms += MIN;
    await handler({ source: 'not-sagemaker' }, context());
    expect(sent).toHaveLength(1);
  });

  it("tries only with the time a notice may take at worst, with the log's writes", async () => {
    const clock = { ms: T0 };
    const { runtime, sent } = eventHandlerRuntime(clock);
    await runtime.onAction(stopped);
    // Defaults: 3 attempts of 4 s and 8 s of waits, and the log's writes: 23 s.
    await runtime.sendOwedNotices(() => 22_000);
    expect(sent).toHaveLength(0);
    // The skip above was no try: the minute is not used up.
    await runtime.sendOwedNotices(() => 23_000);
    expect(sent).toHaveLength(1);
  });

  it('tries at most once a minute', async () => {
    const clock = { ms: T0 };
    // The claim of the action and that of the first try again are both refused.
    const { runtime, sent } = eventHandlerRuntime(clock, 2);
    await runtime.onAction(stopped);
    await runtime.sendOwedNotices(() => 30_000);
    await runtime.sendOwedNotices(() => 30_000);
    expect(sent).toHaveLength(0); // tried less than a minute ago
    clock.ms += MIN;
    await runtime.sendOwedNotices(() => 30_000);
    expect(sent).toHaveLength(1);
  });
});
