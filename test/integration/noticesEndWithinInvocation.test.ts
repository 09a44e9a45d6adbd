import { describe, expect, it } from 'vitest';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { submissionOf } from '../../devtools/local/runtime/traceSubmission';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { SageMakerEmulator } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import { ReactorsFailedError } from '../../lib/app/factReactor';
import { NOTICE_LOG_WRITES_MS } from '../../lib/notify/deliveryDeadline';
import type { SentNotification } from '../../lib/notify/notifier';
import type { Telemetry } from '../../lib/ports/telemetry';
import { Runtime } from '../../lib/wiring/runtime';
import { CONTEXT_KEYS } from '../../lib/wiring/ssmParameters';
import { lambdaContext } from '../support/lambdaContext';
import { traceOf } from '../support/opsWorld';
import { samplePolicyStop } from '../support/samplePolicyStop';
import { LEAVE_ALONE, STOP_AT_ONCE } from '../support/sweepWorld';
import { webhookConfig } from '../support/webhookConfig';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;
/** The default attempt timeout (POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS). */
const ATTEMPT_MS = 4_000;
/** Less than one attempt and the log's writes: no notice can end in time. */
const TOO_LITTLE_MS = ATTEMPT_MS + NOTICE_LOG_WRITES_MS - 1;
const quiet: Telemetry = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };
const WEBHOOK_URL = 'https://hooks.slack.com/services/T000/B000/test';
/** An invocation of `functionName` with `leftMs()` of it left, and the webhook URL middy fetched onto it. */
const context = (functionName: string, leftMs: () => number) => ({
  ...lambdaContext(functionName, leftMs),
  [CONTEXT_KEYS.slackWebhookUrl]: WEBHOOK_URL,
});

const isEnd = (event: TrainingJobStateChangeEvent) => event.detail.TrainingJobStatus === 'Completed';

/**
 * One container's runtime over the SageMaker emulator (in process, in virtual time), the ledger and
 * notification log in memory and a Slack webhook answered in process; what it sent and claimed.
 * `describeTakesMs`: how long SageMaker takes to answer a DescribeTrainingJob (throttled, say).
 */
const world = (describeTakesMs = 0, policy = LEAVE_ALONE) => {
  const clock = new VirtualClock(T0);
  const emulator = new SageMakerEmulator({ clock, eventStyle: 'mixed', quotas: {} });
  const events: TrainingJobStateChangeEvent[] = [];
  emulator.subscribe((event) => events.push(event));
  const sent: SentNotification[] = [];
  const claimed: string[] = [];
  const stores = memoryStores();
  const runtime = new Runtime({
    config: webhookConfig(),
    telemetry: quiet,
    initialPolicy: policy,
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
            claimed.push(`${args[0].job} ${args[0].kind}`);
            return target.claim(...args);
          };
        },
      }),
    },
    transport: {
      sagemaker: inProcessTransport(async (request) => {
        const target = request.headers['x-amz-target'];
        if (target?.endsWith('.DescribeTrainingJob')) clock.advanceTo(clock.now() + describeTakesMs);
        return emulator.answer({ method: request.method, target, body: request.body });
      }),
      slackWebhook: async () => new Response('ok', { status: 200 }),
    },
    onSent: (notification) => sent.push(notification),
  });
  /** Runs the emulator to `atMs`, its jobs' events kept for the test to deliver. */
  const runTo = (atMs: number) => {
    for (let due = emulator.nextDueAt(); due !== undefined && due <= atMs; due = emulator.nextDueAt()) {
      clock.advanceTo(due);
      emulator.advanceTo(due);
    }
    clock.advanceTo(atMs);
    emulator.advanceTo(atMs);
  };
  const submit = (name: string, keepAliveSeconds: number) => {
    const [job] = traceOf([
      {
        name,
        submitAt: new Date(clock.now()).toISOString(),
        owner: 'alice',
        team: 'vision',
        keepAliveSeconds,
      },
    ]);
    if (!job) throw new Error('one job');
    emulator.submit(submissionOf(job));
  };
  const sentKinds = () => sent.map((s) => `${s.key.job} ${s.key.kind}`);
  const onEvent = createJobStateChangeHandler(() => runtime);
  const sweepHandler = createSweepHandler(() => runtime);
  /** Hands `event` to the event handler, with `leftMs` of its invocation left. */
  const deliver = (event: TrainingJobStateChangeEvent, leftMs = 30_000) =>
    onEvent(
      event,
      context('onJobStateChange', () => leftMs),
    );
  /** Runs a sweep that has `leftMs` of its invocation left as it starts, in virtual time. */
  const sweep = (leftMs = 58_000) => {
    const endsAtMs = clock.now() + leftMs;
    return sweepHandler(
      {},
      context('sweep', () => endsAtMs - clock.now()),
    );
  };
  /** Submits a job and runs it to its end; delivers its events but the end, which it returns. */
  const runJob = async (name: string, keepAliveSeconds: number, untilMs = clock.now() + 30 * MIN) => {
    events.length = 0;
    submit(name, keepAliveSeconds);
    runTo(untilMs);
    for (const event of events.filter((e) => !isEnd(e))) await deliver(event);
    return events.find(isEnd);
  };
  return { runtime, clock, sent, sentKinds, claimed, runTo, deliver, sweep, runJob };
};

/** A policy stop, recorded for the first time: its owner notice follows. */
const stopped = samplePolicyStop('train-z', T0);

describe("a function's notices end within its invocation (the emulator in process, virtual time)", () => {
  it('the event handler sends no notice it has no time for, claims none, and fails: Lambda’s retry sends it once', async () => {
    const w = world();
    const end = await w.runJob('train-a', 3600);
    if (!end) throw new Error('the job ended');
    // The end arrives with too little of its invocation left for the "pool available" message.
    await expect(w.deliver(end, TOO_LITTLE_MS)).rejects.toThrow(ReactorsFailedError);
    expect(w.sentKinds()).toEqual([]);
    expect(w.claimed).toEqual([]); // no claim held for a later try to wait out
    // Lambda's retry, a minute later with its whole invocation ahead; then a duplicate.
    w.clock.advanceTo(w.clock.now() + MIN);
    await w.deliver(end);
    await w.deliver(end);
    expect(w.sentKinds()).toEqual(['train-a pool-available']);
  });

  it('a "pool available" it could not send is not sent once the policy stopped the pool: the retry tells the end', async () => {
    const w = world(0, STOP_AT_ONCE);
    const end = await w.runJob('train-d', 3600);
    if (!end) throw new Error('the job ended');
    // Both the "pool available" and the stop's notice find too little time; the stop is done.
    await expect(w.deliver(end, TOO_LITTLE_MS)).rejects.toThrow(ReactorsFailedError);
    expect(w.sentKinds()).toEqual([]);
    w.clock.advanceTo(w.clock.now() + MIN);
    await w.deliver(end);
    expect(w.sentKinds()).toEqual(['train-d job-ended', 'train-d pool-stopped']);
  });

  // In the sweep's cases each describe takes 8 s, and the end event is lost: the reconcile's
  // adoption, started with the sweep's 13 s margin and 1 s to spare, has 6 s left for its notices.
  const ADOPTING_MS = 14_000;

  it("the sweep keeps the notice of an adoption that SageMaker's slow answer left no time for, and its next sweep sends it once", async () => {
    const w = world(8_000);
    // No keep-alive, so no pool: its end is told by "job ended", which no owed pool brings back.
    await w.runJob('train-b', 0);
    await w.sweep(ADOPTING_MS);
    expect(w.sentKinds()).toEqual([]);
    expect(w.claimed).toEqual([]);
    for (let minute = 1; minute <= 2; minute++) {
      w.clock.advanceTo(w.clock.now() + MIN);
      await w.sweep();
    }
    expect(w.sentKinds()).toEqual(['train-b job-ended']);
  });

  it('the sweep never announces, from what it owes, a pool the policy is stopping', async () => {
    const w = world(8_000, STOP_AT_ONCE);
    await w.runJob('train-e', 3600);
    // The adoption's "pool available" and its stop's notice find no time.
    await w.sweep(ADOPTING_MS);
    expect(w.sentKinds()).toEqual([]);
    for (let minute = 1; minute <= 3; minute++) {
      w.clock.advanceTo(w.clock.now() + MIN);
      await w.sweep();
    }
    // Stopped at once: its owner hears of the end and the stop, never "available until" after it.
    expect(w.sentKinds()).toEqual(['train-e job-ended', 'train-e pool-stopped']);
  });

  it('the sweep never announces, from what it owes, a pool past its expiry', async () => {
    const w = world(8_000);
    // 20 minutes of keep-alive after an end at about 12:12: the pool expires at about 12:32.
    await w.runJob('train-f', 1200);
    await w.sweep(ADOPTING_MS);
    expect(w.sentKinds()).toEqual([]);
    // The next sweep comes after the pool's expiry (a sweep cut short, a throttled minute).
    w.runTo(T0 + 45 * MIN);
    await w.sweep();
    // The end it told is told still, as "job ended".
    expect(w.sentKinds()).toEqual(['train-f job-ended']);
  });

  it('the sweep never announces, from what it owes, a pool a starting job was presumed to take', async () => {
    const w = world(8_000);
    await w.runJob('train-p', 3600);
    await w.sweep(ADOPTING_MS);
    expect(w.sentKinds()).toEqual([]);
    // A job of the same key starts on the pool; its start event presumes the pool taken.
    await w.runJob('train-q', 3600, w.clock.now() + 3 * MIN);
    await w.sweep();
    expect(w.sentKinds()).toEqual(['train-p job-ended']);
  });

  it('a notice sent after the invocation ended is not bound by its deadline', async () => {
    const w = world();
    await createJobStateChangeHandler(() => w.runtime)(
      { source: 'not-sagemaker' },
      context('onJobStateChange', () => TOO_LITTLE_MS),
    );
    // The CLI's or a test's notice, outside any invocation: the last one's deadline is gone.
    await w.runtime.onAction(stopped);
    expect(w.sentKinds()).toEqual(['train-z pool-stopped']);
  });

  it('a notice that fits is sent at once, as before', async () => {
    const w = world();
    const end = await w.runJob('train-c', 3600);
    if (!end) throw new Error('the job ended');
    await w.deliver(end, ATTEMPT_MS + NOTICE_LOG_WRITES_MS);
    expect(w.sentKinds()).toEqual(['train-c pool-available']);
  });
});
