import { describe, expect, it } from 'vitest';
import { memoryStores } from '../../devtools/local/runtime/memoryStores';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import { VirtualPause } from '../../devtools/local/runtime/virtualPause';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { BudgetedTrainingJobs } from '../../lib/adapters/sagemaker/budgetedTrainingJobs';
import { ResponseUrlReplies } from '../../lib/adapters/slack/responseUrlReplies';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { POOL_ACTION_IDS } from '../../lib/events/poolActions';
import { handleSlackAction, type SlackActionDeps } from '../../lib/notify/handleSlackAction';
import type { SlackReply } from '../../lib/notify/slackReplies';
import type { Telemetry } from '../../lib/ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { Runtime } from '../../lib/wiring/runtime';
import { ANSWER_WITHIN_MS, SlackActionsRuntime } from '../../lib/wiring/slackActionsRuntime';
import { availablePoolIn } from '../support/availablePool';
import { jobEvent, T0 } from '../support/jobEvents';

const quiet: Telemetry = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };
const ENDED = T0 + 600_000;
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/1/abc';
const REPLY: SlackReply = { text: 'done', replaceOriginal: false, ephemeral: true };

/** SageMaker as the click sees it: records each call and whether it was abandoned before it was sent. */
class RecordingSageMaker implements TrainingJobs {
  readonly calls: Array<{ op: string; abandoned: boolean }> = [];

  async describe(name: string, signal?: AbortSignal): Promise<TrainingJobDescription> {
    this.calls.push({ op: 'describe', abandoned: signal?.aborted === true });
    if (signal?.aborted) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    return {
      name,
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      endedAtMs: ENDED,
      keepAliveSeconds: 1800,
      warmPool: { status: 'Available' },
    };
  }

  async setKeepAlive(_name: string, _seconds: number, signal?: AbortSignal): Promise<void> {
    this.calls.push({ op: 'update', abandoned: signal?.aborted === true });
    if (signal?.aborted) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  }
}

describe('a Slack click answers within its time, whatever each wait would allow itself', () => {
  it('a SageMaker call with no time left is not sent; each call reads what is left when it starts', async () => {
    const inner = new RecordingSageMaker();
    let leftMs = 800;
    const budgeted = new BudgetedTrainingJobs(inner, () => leftMs);
    await budgeted.describe('train-a');
    leftMs = 0;
    await expect(budgeted.setKeepAlive('train-a', 0)).rejects.toThrow('aborted');
    expect(inner.calls).toEqual([
      { op: 'describe', abandoned: false },
      { op: 'update', abandoned: true },
    ]);
  });

  it('a response_url reply with no time left is not sent', async () => {
    const replies = new ResponseUrlReplies({ timeoutMs: () => 0, allowLoopback: false });
    await expect(replies.reply(RESPONSE_URL, REPLY)).rejects.toThrow(/no time left/);
  });

  it('the function counts the answer time from API Gateway arrival, by the wall clock', async () => {
    const env = { POOLWARDEN_TABLE: 'poolwarden-test-ledger', POOLWARDEN_SLACK_SIGNING_SECRET: 'local' };
    const wall = { ms: 1_000_000, now: () => wall.ms };
    const slack = new SlackActionsRuntime(
      new Runtime({ config: loadConfig(env), telemetry: quiet }),
      quiet,
      env,
      wall,
    );
    // A cold start took 2 s of the click's time before the handler ran.
    const deps = slack.actionDeps(wall.ms - 2_000);
    expect(deps.answerLeftMs?.()).toBe(ANSWER_WITHIN_MS - 2_000);
    wall.ms += ANSWER_WITHIN_MS;
    expect(deps.answerLeftMs?.()).toBeLessThanOrEqual(0);
    // Nothing is sent once the time is up (and nothing leaves this machine).
    await expect(deps.replies.reply(RESPONSE_URL, REPLY)).rejects.toThrow(/no time left/);
  });

  it("the telling of an earlier click's action a click finishes first waits no longer than the answer time", async () => {
    const env = { POOLWARDEN_TABLE: 'poolwarden-test-ledger', POOLWARDEN_SLACK_SIGNING_SECRET: 'local' };
    const wall = { ms: 1_000_000, now: () => wall.ms };
    const runtime = new Runtime({ config: loadConfig(env), telemetry: quiet });
    let told = 0;
    // Slack and the notification log hang: the earlier action's notice never finishes.
    Object.defineProperty(runtime, 'onAction', {
      value: () => {
        told++;
        return new Promise<void>(() => {});
      },
    });
    const slack = new SlackActionsRuntime(runtime, quiet, env, wall);
    // Nothing left of the answer time: the click's answer does not wait for the notice at all.
    const deps = slack.actionDeps(wall.ms - ANSWER_WITHIN_MS);
    const result = { decision: { job: 'train-a' } } as unknown as Parameters<typeof deps.onAction>[0];
    await expect(deps.onAction(result)).resolves.toBeUndefined();
    expect(told).toBe(1);
  });

  it("an earlier click's action finished as its pool is seen leaving is told within the answer time too", async () => {
    const env = { POOLWARDEN_TABLE: 'poolwarden-test-ledger', POOLWARDEN_SLACK_SIGNING_SECRET: 'local' };
    const wall = { ms: 1_000_000, now: () => wall.ms };
    const stores = memoryStores();
    const runtime = new Runtime({
      config: loadConfig(env),
      telemetry: quiet,
      clock: new VirtualClock(T0),
      pause: new VirtualPause(),
      stores,
    });
    Object.defineProperty(runtime, 'onAction', { value: () => new Promise<void>(() => {}) });
    const head = await availablePoolIn(stores.ledger, {
      nowMs: T0,
      sinceMin: 10,
      leftMin: 20,
      keepAliveSeconds: 1800,
    });
    const intent = {
      dedupeKey: 'slack#C0#1.0#pool_stop',
      action: 'stop',
      keepAliveSeconds: 0,
      actor: 'slack:U1',
      reason: 'Stop clicked',
      atMs: T0,
      previousKeepAliveSeconds: 1800,
    } as const;
    await stores.ledger.beginAction('pool-a', intent, T0, { expiresAtMs: head.pool?.expiresAtMs ?? 0 });
    const deps = new SlackActionsRuntime(runtime, quiet, env, wall).actionDeps(wall.ms - ANSWER_WITHIN_MS);
    const record = (await stores.ledger.getJob('pool-a')) as JobRecord;
    // SageMaker shows the stop taken: the pool is gone, with keep-alive 0.
    const ended: TrainingJobDescription = {
      name: 'pool-a',
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      keepAliveSeconds: 0,
      warmPool: { status: 'Terminated', billableSeconds: 600 },
    };
    const finished = await deps.finishIntent?.(record, ended);
    expect(finished?.pendingAction).toBeUndefined();
    expect(finished?.pool?.stoppedBy).toBe('slack:U1');
  });

  it('a Stop whose answer time a slow user lookup used up is pending, and the owner notice is not waited for', async () => {
    const ledger = new MemoryLedger();
    const sageMaker = new RecordingSageMaker();
    await processJobStateChange(jobEvent({ tags: { owner: 'alice@example.com', team: 'vision' } }), {
      ledger,
      trainingJobs: sageMaker,
      clock: { now: () => ENDED + 1000 },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      describeConcurrency: 1,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry: quiet,
      reactors: [],
    });
    sageMaker.calls.length = 0;
    const wall = { ms: 0 };
    const answerLeftMs = () => ANSWER_WITHIN_MS - wall.ms;
    const replies: SlackReply[] = [];
    const deps: SlackActionDeps = {
      ledger,
      decisions: new MemoryDecisionLog(),
      trainingJobs: new BudgetedTrainingJobs(sageMaker, () => Math.min(1_000, answerLeftMs() - 500)),
      clock: { now: () => ENDED + 60_000 },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      setup: () => ({
        policy: DEFAULT_POLICY,
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      }),
      stats: new MemoryUsageStats(),
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      admins: new Set(),
      snoozeSeconds: 3600,
      timeZone: 'UTC',
      // users.info took 2.2 s of the 2.5.
      directory: {
        emailOf: async () => {
          wall.ms += 2_200;
          return 'alice@example.com';
        },
      },
      replies: { reply: async (_url, reply) => void replies.push(reply) },
      // An owner notice that never comes back: the answer must not wait for it (its own budget is a minute).
      onAction: () => new Promise<void>(() => {}),
      notifyBudgetMs: 60_000,
      answerLeftMs: () => answerLeftMs() - 300,
      telemetry: quiet,
    };
    const outcome = await handleSlackAction(deps, {
      actionId: POOL_ACTION_IDS.stop,
      value: { job: 'train-a', hop: 'train-a' },
      userId: 'UALICE',
      actionTs: '1772445700.100000',
      messageTs: '1772445000.000100',
      channelId: 'D0OWNER',
      responseUrl: RESPONSE_URL,
      message: { text: 'Warm pool available', blocks: [] },
    });
    expect(outcome.kind).toBe('pending');
    // The update was abandoned before it was sent: the sweep finishes the intent and answers then.
    expect(sageMaker.calls.every((call) => call.abandoned)).toBe(true);
    expect((await ledger.getJob('train-a'))?.pendingAction?.replyTo).toBe(RESPONSE_URL);
    expect(replies).toHaveLength(1);
  });
});
