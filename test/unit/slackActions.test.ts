import { describe, expect, it } from 'vitest';
import { answerSlackRequest } from '../../functions/slackActions';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { ActionResult } from '../../lib/app/applyPoolAction';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { WarmPoolStatus } from '../../lib/domain/warmPool';
import { POOL_ACTION_IDS, type PoolActionId } from '../../lib/events/poolActions';
import { slackSignature } from '../../lib/events/slackSignature';
import { noticeForAction } from '../../lib/notify/decisionNotices';
import { handleSlackAction, type SlackActionDeps } from '../../lib/notify/handleSlackAction';
import type { SlackReply } from '../../lib/notify/slackReplies';
import type { Telemetry } from '../../lib/ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { jobEvent, T0 } from '../support/jobEvents';

const SECRET = 'test-signing-secret';
const OWNER = 'UOWNER1';
const ADMIN = 'UADMIN1';
const ENDED = T0 + 600_000;
const NOW = ENDED + 60_000;
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/1/abc';

const quiet: Telemetry = { info: () => {}, warn: () => {}, error: () => {}, count: () => {} };

/** SageMaker as far as the buttons need it: one pool per job, refusing updates unless Available. */
class FakeSageMaker implements TrainingJobs {
  readonly updates: Array<{ name: string; seconds: number }> = [];
  readonly pools = new Map<string, { status: WarmPoolStatus; reusedByJob?: string }>();

  async describe(name: string): Promise<TrainingJobDescription> {
    return {
      name,
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      endedAtMs: ENDED,
      keepAliveSeconds: 1800,
      warmPool: this.pools.get(name) ?? { status: 'Available' },
    };
  }

  async setKeepAlive(name: string, seconds: number): Promise<void> {
    if ((this.pools.get(name)?.status ?? 'Available') !== 'Available') {
      const error = new Error(`the warm pool of ${name} is not Available`);
      error.name = 'ValidationException';
      throw error;
    }
    this.updates.push({ name, seconds });
    if (seconds === 0) this.pools.set(name, { status: 'Terminated' });
  }
}

const world = async (
  tags: Record<string, string> = { owner: 'alice', team: 'vision', 'slack-user': OWNER },
) => {
  const ledger = new MemoryLedger();
  const decisions = new MemoryDecisionLog();
  const sageMaker = new FakeSageMaker();
  const clock = { ms: NOW, now: () => clock.ms };
  const replies: Array<{ url: string; reply: SlackReply }> = [];
  const told: ActionResult[] = [];
  const emails = new Map<string, string>();
  const deps: SlackActionDeps = {
    ledger,
    decisions,
    trainingJobs: sageMaker,
    clock,
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    setup: () => ({
      policy: DEFAULT_POLICY,
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      killSwitch: false,
      prices: DEFAULT_PRICES,
    }),
    stats: new MemoryUsageStats(),
    tagKeys: DEFAULT_OWNER_TAG_KEYS,
    admins: new Set([ADMIN]),
    snoozeSeconds: 3600,
    timeZone: 'UTC',
    directory: { emailOf: async (id) => emails.get(id) },
    replies: { reply: async (url, reply) => void replies.push({ url, reply }) },
    onAction: async (result) => void told.push(result),
    notifyBudgetMs: 1000,
    telemetry: quiet,
  };
  // The job ends and its pool becomes Available, as the event handler records it.
  await processJobStateChange(jobEvent({ tags }), {
    ledger,
    trainingJobs: sageMaker,
    clock: { now: () => ENDED + 1000 },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    describeConcurrency: 1,
    tagKeys: DEFAULT_OWNER_TAG_KEYS,
    telemetry: quiet,
    reactors: [],
  });
  return { deps, ledger, decisions, sageMaker, clock, replies, told, emails };
};

const click = (
  actionId: PoolActionId,
  user = OWNER,
  overrides: { messageTs?: string; actionTs?: string } = {},
) => ({
  actionId,
  value: { job: 'train-a', hop: 'train-a' },
  userId: user,
  actionTs: overrides.actionTs ?? '1772445700.100000',
  messageTs: overrides.messageTs ?? '1772445000.000100',
  channelId: 'D0OWNER',
  responseUrl: RESPONSE_URL,
  message: {
    text: 'Warm pool available',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Warm pool available' } },
      { type: 'actions', block_id: 'poolwarden.pool-available', elements: [] },
    ],
  },
});

describe('a Slack click on a pool button', () => {
  it('two copies of one click arriving together act once; the other is told an action is in progress', async () => {
    const w = await world();
    const outcomes = await Promise.all([
      handleSlackAction(w.deps, click(POOL_ACTION_IDS.stop)),
      handleSlackAction(w.deps, click(POOL_ACTION_IDS.stop)),
    ]);
    expect(w.sageMaker.updates).toEqual([{ name: 'train-a', seconds: 0 }]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['acted', 'refused']);
    expect(w.decisions.all()).toHaveLength(1);
  });

  it('Stop: the owner stops the pool; recorded once with the Slack user; the message says who did it', async () => {
    const w = await world();
    const outcome = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.stop));
    expect(outcome.kind).toBe('acted');
    expect(w.sageMaker.updates).toEqual([{ name: 'train-a', seconds: 0 }]);
    expect(w.decisions.all()).toEqual([
      expect.objectContaining({
        action: 'stop',
        actor: `slack:${OWNER}`,
        outcome: 'applied',
        dedupeKey: expect.stringMatching(/^slack#/),
      }),
    ]);
    expect((await w.ledger.getJob('train-a'))?.pool).toMatchObject({
      keepAliveSeconds: 0,
      stoppedBy: `slack:${OWNER}`,
    });
    const [reply] = w.replies;
    expect(reply?.url).toBe(RESPONSE_URL);
    expect(reply?.reply).toMatchObject({ replaceOriginal: true, ephemeral: false });
    expect(reply?.reply.text).toContain(`<@${OWNER}> stopped the warm pool of \`train-a\``);
    // The original content stays, its buttons go.
    expect(reply?.reply.blocks?.[0]).toMatchObject({ type: 'section' });
    expect(reply?.reply.blocks?.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(w.told).toHaveLength(1);
  });

  it('Extend: by the rule step from the current expiry, with a hold until then', async () => {
    const w = await world();
    await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend));
    // Expiry: end + 30 min keep-alive; the default rule's step is 30 min more.
    const expiry = ENDED + 30 * 60_000;
    const seconds = (expiry + 30 * 60_000 - NOW) / 1000;
    expect(w.sageMaker.updates).toEqual([{ name: 'train-a', seconds }]);
    expect((await w.ledger.getJob('train-a'))?.pool).toMatchObject({
      keepAliveSeconds: seconds,
      expiresAtMs: NOW + seconds * 1000,
      heldUntilMs: NOW + seconds * 1000,
    });
    expect(w.decisions.all().map((d) => [d.action, d.outcome])).toEqual([
      ['extend', 'applied'],
      ['hold', 'applied'],
    ]);
    expect(w.told.map((r) => r.decision.action)).toEqual(['extend']);
  });

  it('Snooze holds auto-stop off without touching the keep-alive', async () => {
    const w = await world();
    await handleSlackAction(w.deps, click(POOL_ACTION_IDS.snooze));
    expect(w.sageMaker.updates).toEqual([]);
    expect((await w.ledger.getJob('train-a'))?.pool?.heldUntilMs).toBe(NOW + 3600_000);
    expect(w.replies[0]?.reply.text).toMatch(/snoozed auto-stop/);
    // The owner is told the hold, with the pool's end as it stands (a hold moves no end).
    const expiry = (await w.ledger.getJob('train-a'))?.pool?.expiresAtMs;
    expect(w.told.map((r) => noticeForAction(r))).toMatchObject([
      { kind: 'pool-extended', expiresAtMs: expiry, heldUntilMs: NOW + 3600_000 },
    ]);
  });

  it("a Snooze refused while another's action is in flight works from the same message once it is done", async () => {
    const w = await world();
    // The sweep's policy claimed the pool (an extend), and has not yet heard from SageMaker.
    const intent = {
      dedupeKey: 'extend#policy',
      action: 'extend' as const,
      keepAliveSeconds: 3600,
      actor: 'policy:defaults',
      rule: 'defaults',
      reason: 'busy hours',
      atMs: NOW,
    };
    // The pool ends 30 min (its keep-alive) after the job.
    expect(
      await w.ledger.beginAction('train-a', intent, NOW - 300_000, { expiresAtMs: ENDED + 30 * 60_000 }),
    ).toBe(true);
    const refused = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.snooze));
    expect(refused).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/try again in a minute/),
    });
    expect(w.replies[0]?.reply.text).toMatch(/try again in a minute\. Nothing was changed/);
    await w.ledger.endAction('train-a', intent.dedupeKey);
    w.clock.ms += 60_000;
    const again = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.snooze));
    expect(again.kind).toBe('acted');
    expect((await w.ledger.getJob('train-a'))?.pool?.heldUntilMs).toBe(w.clock.ms + 3600_000);
    expect(w.decisions.all().map((d) => [d.action, d.outcome])).toEqual([['hold', 'applied']]);
  });

  it('the same click delivered twice (a double click) acts once and says so', async () => {
    const w = await world();
    const first = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend));
    w.clock.ms += 400;
    // A re-delivery (same action_ts) and a second click on the same button (new action_ts).
    const again = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend));
    const second = await handleSlackAction(
      w.deps,
      click(POOL_ACTION_IDS.extend, OWNER, { actionTs: '1772445700.500000' }),
    );
    expect([first.kind, again.kind, second.kind]).toEqual(['acted', 'duplicate', 'duplicate']);
    expect(w.sageMaker.updates).toHaveLength(1);
    expect(w.decisions.all().filter((d) => d.action === 'extend')).toHaveLength(1);
    expect(w.told).toHaveLength(1);
    expect(w.replies[1]?.reply).toMatchObject({ ephemeral: true, replaceOriginal: false });
    expect(w.replies[1]?.reply.text).toMatch(new RegExp(`already done from this message by <@${OWNER}>`));
  });

  it('an unauthorized user is told why, and nothing changes', async () => {
    const w = await world();
    const before = await w.ledger.getJob('train-a');
    const outcome = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.stop, 'USTRANGER'));
    expect(outcome.kind).toBe('unauthorized');
    expect(w.sageMaker.updates).toEqual([]);
    expect(w.decisions.all()).toEqual([]);
    expect(await w.ledger.getJob('train-a')).toEqual(before);
    expect(w.replies[0]?.reply).toMatchObject({ ephemeral: true, replaceOriginal: false });
    expect(w.replies[0]?.reply.text).toMatch(
      /only the pool's owner \(<@UOWNER1>, alice\) or a poolwarden admin/,
    );
  });

  it('the owner is also matched by email (users.info), and an admin may act on any pool', async () => {
    const w = await world({ owner: 'alice', email: 'alice@example.com' });
    w.emails.set('UALICE', 'Alice@example.com');
    expect((await handleSlackAction(w.deps, click(POOL_ACTION_IDS.snooze, 'UALICE'))).kind).toBe('acted');
    expect((await handleSlackAction(w.deps, click(POOL_ACTION_IDS.stop, ADMIN))).kind).toBe('acted');
    expect(w.decisions.all().map((d) => d.actor)).toEqual(['slack:UALICE', `slack:${ADMIN}`]);
    expect(w.decisions.all()[1]?.reason).toMatch(/\(admin, poolwarden admin\)/);
  });

  it('a pool reused before the click gets a clear answer, and nothing changes', async () => {
    const w = await world();
    await w.ledger.observePool((await w.ledger.getJob('train-a')) ?? { name: 'train-a' }, {
      status: 'Reused',
      reusedByJob: 'train-b',
      observedAtMs: NOW - 1000,
    });
    const outcome = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend));
    expect(outcome).toMatchObject({ kind: 'not-available' });
    expect(w.sageMaker.updates).toEqual([]);
    expect(w.decisions.all()).toEqual([]);
    expect(w.replies[0]?.reply.text).toMatch(/was already reused by `train-b`.*Nothing was changed/);
  });

  it('a pool that expired before the click (SageMaker refuses) gets a clear answer and the ledger learns it', async () => {
    const w = await world();
    // The ledger still believes Available; SageMaker has already released it.
    w.sageMaker.pools.set('train-a', { status: 'Terminated' });
    const outcome = await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend));
    expect(outcome).toMatchObject({ kind: 'not-available' });
    expect(w.replies[0]?.reply).toMatchObject({ ephemeral: true });
    expect(w.replies[0]?.reply.text).toMatch(/has already ended.*Nothing was changed/);
    expect((await w.ledger.getJob('train-a'))?.pool?.status).toBe('Terminated');
    expect(w.decisions.all()).toEqual([expect.objectContaining({ action: 'extend', outcome: 'skipped' })]);
    // A second click is answered from the record, without calling SageMaker again.
    expect((await handleSlackAction(w.deps, click(POOL_ACTION_IDS.extend))).kind).toBe('duplicate');
    expect(w.told).toEqual([]);
  });

  it('the kill switch turns a click into a dry run: recorded, not done', async () => {
    const w = await world();
    const setup = w.deps.setup();
    await handleSlackAction(
      { ...w.deps, setup: () => ({ ...setup, killSwitch: true }) },
      click(POOL_ACTION_IDS.stop),
    );
    expect(w.sageMaker.updates).toEqual([]);
    expect(w.decisions.all()).toEqual([
      expect.objectContaining({ outcome: 'dry-run', actor: `slack:${OWNER}` }),
    ]);
    expect(w.replies[0]?.reply.text).toMatch(/dry run/);
  });
});

describe('the HTTP side of the Slack actions endpoint', () => {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const blockActions = {
    type: 'block_actions',
    user: { id: OWNER, username: 'alice' },
    team: { id: 'T0' },
    container: { type: 'message', message_ts: '1772445000.000100', channel_id: 'D0OWNER' },
    response_url: RESPONSE_URL,
    actions: [
      {
        action_id: POOL_ACTION_IDS.stop,
        value: JSON.stringify({ job: 'train-a', hop: 'train-a' }),
        action_ts: '1772445700.1',
      },
    ],
  };
  const signed = (body: string, secret = SECRET, timestamp = String(nowSeconds)) => ({
    headers: {
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
    rawBody: Buffer.from(body),
  });

  it('acts on a verified click and answers 200', async () => {
    const clicks: unknown[] = [];
    const answer = await answerSlackRequest(
      signed(form(blockActions)),
      SECRET,
      Date.now(),
      async (c) => {
        clicks.push(c);
        return {
          kind: 'refused',
          reason: 'test',
          reply: { text: '', replaceOriginal: false, ephemeral: true },
        };
      },
      quiet,
    );
    expect(answer.statusCode).toBe(200);
    expect(clicks).toEqual([
      expect.objectContaining({ actionId: POOL_ACTION_IDS.stop, userId: OWNER, responseUrl: RESPONSE_URL }),
    ]);
  });

  it("acts on a click on a member account's pool, whose reference is longer than a bare job name", async () => {
    const job = '111122223333/ap-southeast-2/pytorch-training-2024-06-01-12-34-56-789';
    expect(job).toHaveLength(68);
    const value = JSON.stringify({ job, hop: job });
    const clicks: unknown[] = [];
    const act = async (c: unknown) => {
      clicks.push(c);
      return {
        kind: 'refused' as const,
        reason: 'test',
        reply: { text: '', replaceOriginal: false, ephemeral: true },
      };
    };
    const member = { ...blockActions, actions: [{ ...blockActions.actions[0], value }] };
    const answer = await answerSlackRequest(signed(form(member)), SECRET, Date.now(), act, quiet);
    expect(answer.statusCode).toBe(200);
    expect(clicks).toEqual([expect.objectContaining({ value: { job, hop: job } })]);
    // Not any prefix: an account of 12 digits and a region, as jobRef writes them.
    for (const bad of [
      `11112222333/ap-southeast-2/${job.split('/')[2]}`,
      `111122223333/Sydney/${job.split('/')[2]}`,
      `111122223333/ap-southeast-2/${'x'.repeat(64)}`,
      `a/111122223333/ap-southeast-2/${job.split('/')[2]}`,
    ]) {
      const refused = {
        ...blockActions,
        actions: [{ ...blockActions.actions[0], value: JSON.stringify({ job: bad, hop: bad }) }],
      };
      const never = async () => {
        throw new Error('must not act');
      };
      expect(
        (await answerSlackRequest(signed(form(refused)), SECRET, Date.now(), never, quiet)).statusCode,
      ).toBe(400);
    }
  });

  it('answers 401 and acts on nothing when verification fails', async () => {
    const body = form(blockActions);
    const cases = [
      { ...signed(body), rawBody: Buffer.from(body.replace('UOWNER1', 'UADMIN1')) },
      signed(body, 'wrong-secret'),
      signed(body, SECRET, String(nowSeconds - 6 * 60)),
      { headers: {}, rawBody: Buffer.from(body) },
    ];
    for (const request of cases) {
      const answer = await answerSlackRequest(
        request,
        SECRET,
        Date.now(),
        async () => {
          throw new Error('must not act');
        },
        quiet,
      );
      expect(answer.statusCode).toBe(401);
    }
  });

  it('ignores other interactions and refuses a verified but unreadable payload', async () => {
    const never = async () => {
      throw new Error('must not act');
    };
    const other = { ...blockActions, actions: [{ action_id: 'someone.else', value: 'x', action_ts: '1' }] };
    expect((await answerSlackRequest(signed(form(other)), SECRET, Date.now(), never, quiet)).statusCode).toBe(
      200,
    );
    expect(
      (await answerSlackRequest(signed('payload=%7Bnot-json'), SECRET, Date.now(), never, quiet)).statusCode,
    ).toBe(400);
  });
});
