import { describe, expect, it } from 'vitest';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { SageMakerEmulator } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import type { ActionResult } from '../../lib/app/applyPoolAction';
import type { SentNotification } from '../../lib/notify/notifier';
import { NOTICE_LOG_WRITES_MS } from '../../lib/notify/retry';
import type { Telemetry } from '../../lib/ports/telemetry';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { Runtime } from '../../lib/wiring/runtime';
import { CONTEXT_KEYS } from '../../lib/wiring/ssmParameters';
import { lambdaContext } from '../support/lambdaContext';
import { sampleAvailablePool } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
/** The default attempt timeout (POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS). */
const ATTEMPT_MS = 4_000;
const quiet: Telemetry = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };
const WEBHOOK_URL = 'https://hooks.slack.com/services/T000/B000/test';

/** An invocation of `functionName` with `leftMs` of it left, and the webhook URL middy fetched onto it. */
const context = (functionName: string, leftMs: number) => ({
  ...lambdaContext(functionName, () => leftMs),
  [CONTEXT_KEYS.slackWebhookUrl]: WEBHOOK_URL,
});

/**
 * A container's runtime: the ledger and notification log in memory, SageMaker the emulator in
 * process, Slack a webhook answered in process; and the notices it sent.
 */
const containerRuntime = () => {
  const clock = new VirtualClock(T0);
  const emulator = new SageMakerEmulator({ clock, eventStyle: 'mixed', quotas: {} });
  const sent: SentNotification[] = [];
  const claims: string[] = [];
  const stores = memoryStores();
  const runtime = new Runtime({
    config: loadConfig({
      POOLWARDEN_TABLE: 'poolwarden-test-ledger',
      POOLWARDEN_SLACK_MODE: 'webhook',
      POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: '/poolwarden/test/slack-webhook-url',
    }),
    telemetry: quiet,
    clock,
    pause: {
      until: async (atMs) => {
        clock.advanceTo(Math.max(clock.now(), atMs));
      },
    },
    stores: {
      ...stores,
      notifications: new Proxy(stores.notifications, {
        get(target, property, receiver) {
          if (property !== 'claim') return Reflect.get(target, property, receiver);
          return (...args: Parameters<typeof target.claim>) => {
            claims.push(args[0].kind);
            return target.claim(...args);
          };
        },
      }),
    },
    transport: {
      sagemaker: inProcessTransport((request) =>
        emulator.answer({
          method: request.method,
          target: request.headers['x-amz-target'],
          body: request.body,
        }),
      ),
      slackWebhook: async () => new Response('ok', { status: 200 }),
    },
    onSent: (notification) => sent.push(notification),
  });
  return { runtime, clock, sent, claims };
};

/** A policy stop, recorded for the first time: its owner notice follows. */
const stopped: ActionResult = {
  decision: {
    job: 'train-a',
    poolId: 'train-a',
    atMs: T0,
    action: 'stop',
    actor: 'policy:test',
    reason: 'idle',
    dryRun: false,
    outcome: 'applied',
    dedupeKey: 'stop#1',
  },
  firstTime: true,
  record: sampleAvailablePool('train-a', T0),
  facts: [],
};

/** Less than one attempt and the log's writes: a notice cannot end in time. */
const TOO_LITTLE_MS = ATTEMPT_MS + NOTICE_LOG_WRITES_MS - 1;

describe("a function's notices end within its invocation", () => {
  it('the event handler leaves a notice it has no time for unclaimed and owed, and sends it after a later event, once', async () => {
    const { runtime, clock, sent, claims } = containerRuntime();
    const handler = createJobStateChangeHandler(() => runtime);
    // An event whose handling decided a stop with too little of its invocation left.
    await handler({ source: 'not-sagemaker' }, context('onJobStateChange', TOO_LITTLE_MS));
    await runtime.onAction(stopped);
    expect(sent).toHaveLength(0);
    expect(claims).toEqual([]); // nothing claimed: no lease for a later invocation to wait out

    clock.advanceTo(T0 + MIN);
    await handler({ source: 'not-sagemaker' }, context('onJobStateChange', 30_000));
    expect(sent.map((s) => [s.key.job, s.key.kind])).toEqual([['train-a', 'pool-stopped']]);
    clock.advanceTo(T0 + 2 * MIN);
    await handler({ source: 'not-sagemaker' }, context('onJobStateChange', 30_000));
    expect(sent).toHaveLength(1);
  });

  it('the sweep leaves it owed to its next sweep, which sends it once', async () => {
    const { runtime, clock, sent, claims } = containerRuntime();
    const sweep = createSweepHandler(() => runtime);
    await sweep({}, context('sweep', TOO_LITTLE_MS));
    await runtime.onAction(stopped);
    expect(sent).toHaveLength(0);
    expect(claims).toEqual([]);

    clock.advanceTo(T0 + MIN);
    await sweep({}, context('sweep', 58_000));
    expect(sent.map((s) => [s.key.job, s.key.kind])).toEqual([['train-a', 'pool-stopped']]);
    clock.advanceTo(T0 + 2 * MIN);
    await sweep({}, context('sweep', 58_000));
    expect(sent).toHaveLength(1);
  });

  it('a notice that fits is sent at once, as before', async () => {
    const { runtime, sent } = containerRuntime();
    const handler = createJobStateChangeHandler(() => runtime);
    await handler(
      { source: 'not-sagemaker' },
      context('onJobStateChange', ATTEMPT_MS + NOTICE_LOG_WRITES_MS),
    );
    await runtime.onAction(stopped);
    expect(sent.map((s) => s.key.kind)).toEqual(['pool-stopped']);
  });
});
