import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { BudgetedTrainingJobs } from '../../lib/adapters/sagemaker/budgetedTrainingJobs';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import {
  type ActionDeps,
  applyPoolAction,
  PENDING_ACTION_LEASE_MS,
  settlePendingAction,
} from '../../lib/app/applyPoolAction';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { availablePoolIn } from '../support/availablePool';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

/** A SageMaker that holds one pool and refuses updates once it is no longer Available. */
const fakeSageMaker = (status: 'Available' | 'Reused') => {
  const calls: Array<[string, number]> = [];
  const trainingJobs: TrainingJobs = {
    describe: async (name): Promise<TrainingJobDescription> => ({
      name,
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      endedAtMs: NOW - 10 * MIN,
      keepAliveSeconds: 1800,
      warmPool: status === 'Available' ? { status } : { status, reusedByJob: 'next', billableSeconds: 300 },
    }),
    setKeepAlive: async (name, seconds) => {
      if (status !== 'Available')
        throw Object.assign(new Error('pool is not Available'), { name: 'ValidationException' });
      calls.push([name, seconds]);
    },
  };
  return { trainingJobs, calls };
};

const setup = async (status: 'Available' | 'Reused' = 'Available') => {
  const ledger = new MemoryLedger();
  const head = await availablePoolIn(ledger, {
    nowMs: NOW,
    sinceMin: 10,
    leftMin: 20,
    keepAliveSeconds: 1800,
  });
  const sageMaker = fakeSageMaker(status);
  const decisions = new MemoryDecisionLog();
  const deps: ActionDeps = {
    ledger,
    trainingJobs: sageMaker.trainingJobs,
    decisions,
    clock: { now: () => NOW },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
  };
  return { deps, head, ledger, decisions, calls: sageMaker.calls };
};

const base = { actor: 'operator:ops', reason: 'cost incident', dryRun: false } as const;

/** A Slack click on pool-a (an Extend unless said) that began and was given up: pending, unknown. */
const leaveClickPending = async (
  ledger: MemoryLedger,
  click: { dedupeKey: string; action: 'extend' | 'stop'; keepAliveSeconds: number } = {
    dedupeKey: 'slack#C1#1.0#extend',
    action: 'extend',
    keepAliveSeconds: 3600,
  },
): Promise<void> => {
  await ledger.beginAction(
    'pool-a',
    {
      ...click,
      actor: 'slack:U1',
      reason: 'r',
      atMs: NOW,
      replyTo: 'https://hooks.slack.com/actions/T/1/x',
    },
    NOW,
    { expiresAtMs: NOW + 20 * MIN },
  );
  await ledger.markActionUnknown('pool-a', click.dedupeKey, NOW);
};

describe('applyPoolAction', () => {
  it('stops: keep-alive 0, the ledger knows who stopped it, the decision is recorded', async () => {
    const { deps, head, ledger, calls, decisions } = await setup();
    const result = await applyPoolAction(deps, { ...base, head, action: 'stop' });
    expect(calls).toEqual([['pool-a', 0]]);
    expect(result.decision).toMatchObject({
      action: 'stop',
      outcome: 'applied',
      actor: 'operator:ops',
      endsAtMs: NOW,
    });
    expect((await ledger.getJob('pool-a'))?.pool).toMatchObject({
      stoppedBy: 'operator:ops',
      expiresAtMs: NOW,
      keepAliveSeconds: 0,
    });
    expect(decisions.all()).toHaveLength(1);
  });

  it('extends from the moment of the update (the assumption in keepAlive.ts)', async () => {
    const { deps, head, ledger, calls } = await setup();
    const result = await applyPoolAction(deps, { ...base, head, action: 'extend', keepAliveSeconds: 3600 });
    expect(calls).toEqual([['pool-a', 3600]]);
    expect(result.previousExpiresAtMs).toBe(NOW + 20 * MIN);
    expect((await ledger.getJob('pool-a'))?.pool?.expiresAtMs).toBe(NOW + 60 * MIN);
  });

  it('a pool reused meanwhile is left alone, its reuse recorded, the decision skipped', async () => {
    const { deps, head, ledger, calls } = await setup('Reused');
    const result = await applyPoolAction(deps, { ...base, head, action: 'stop' });
    expect(calls).toEqual([]);
    expect(result.decision.outcome).toBe('skipped');
    expect(result.decision.error).toMatch(/no longer Available \(Reused\)/);
    expect(result.facts.map((f) => f.kind)).toEqual(['pool-reused']);
    expect((await ledger.getJob('pool-a'))?.pool?.status).toBe('Reused');
    expect((await ledger.getJob('next'))?.reusedPoolOf).toBe('pool-a');
  });

  it('a dry run touches nothing and is recorded once per hop', async () => {
    const { deps, head, calls, decisions } = await setup();
    const first = await applyPoolAction(deps, { ...base, head, action: 'stop', dryRun: true, rule: 'night' });
    const again = await applyPoolAction(deps, { ...base, head, action: 'stop', dryRun: true, rule: 'night' });
    expect(calls).toEqual([]);
    expect([first.firstTime, again.firstTime]).toEqual([true, false]);
    expect(decisions.all()).toEqual([expect.objectContaining({ outcome: 'dry-run', dryRun: true })]);
  });

  it('holds a pool for a person without calling SageMaker', async () => {
    const { deps, head, ledger, calls } = await setup();
    const result = await applyPoolAction(deps, { ...base, head, action: 'hold', untilMs: NOW + 90 * MIN });
    expect(calls).toEqual([]);
    expect(result.decision).toMatchObject({ action: 'hold', outcome: 'applied', endsAtMs: NOW + 90 * MIN });
    expect((await ledger.getJob('pool-a'))?.pool?.heldUntilMs).toBe(NOW + 90 * MIN);
  });

  it('a repeated request with the same key acts on SageMaker but records one decision', async () => {
    const { deps, head, decisions } = await setup();
    await applyPoolAction(deps, { ...base, head, action: 'warn', untilMs: NOW + 20 * MIN });
    const again = await applyPoolAction(deps, { ...base, head, action: 'warn', untilMs: NOW + 20 * MIN });
    expect(again.firstTime).toBe(false);
    expect(decisions.all()).toHaveLength(1);
  });

  it('a SageMaker that does not answer within the budget gives "unknown": recorded, the intent kept for the next finder', async () => {
    const { deps, head, ledger, decisions } = await setup();
    // A client whose calls never come back unless abandoned (SageMaker throttling past every retry).
    const silent = {
      send: (_command: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          options?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
          );
        }),
    } as unknown as SageMakerClient;
    const trainingJobs = new BudgetedTrainingJobs(new SageMakerTrainingJobs(silent), 10);
    const result = await applyPoolAction(
      { ...deps, trainingJobs },
      {
        ...base,
        head,
        action: 'stop',
        dedupeKey: 'slack#C1#1.0#stop',
        replyTo: 'https://hooks.slack.com/actions/T/1/x',
      },
    );
    expect(result.decision).toMatchObject({
      action: 'stop',
      outcome: 'unknown',
      dedupeKey: 'slack#C1#1.0#stop#unknown',
    });
    expect(result.decision.error).toMatch(/AbortError/);
    expect(decisions.all()).toHaveLength(1);
    // Not taken as stopped; the intent stays, marked as given up, with where the asker waits.
    const after = await ledger.getJob('pool-a');
    expect(after?.pool?.status).toBe('Available');
    expect(after?.pool?.stoppedBy).toBeUndefined();
    expect(after?.pendingAction).toMatchObject({
      dedupeKey: 'slack#C1#1.0#stop',
      unknownSinceMs: NOW,
      replyTo: 'https://hooks.slack.com/actions/T/1/x',
    });
  });

  it('a request finding a given-up intent finishes it first (never a locked pool), and the same request again acts once', async () => {
    const { deps, ledger, decisions, calls } = await setup();
    await leaveClickPending(ledger);
    const told: string[] = [];
    const withTold = {
      ...deps,
      onAction: async (r: { decision: { dedupeKey: string }; replyTo?: string }) =>
        void told.push(`${r.decision.dedupeKey} ${r.replyTo ?? ''}`),
    };
    const pending = await ledger.getJob('pool-a');
    if (!pending) throw new Error('no record');
    const stop = await applyPoolAction(withTold, {
      ...base,
      head: pending,
      action: 'stop',
      dedupeKey: 'slack#C1#1.0#stop',
    });
    // The extend was carried out (SageMaker showed 1800, not 3600), its asker told; then the stop.
    expect(calls).toEqual([
      ['pool-a', 3600],
      ['pool-a', 0],
    ]);
    expect(told).toEqual(['slack#C1#1.0#extend https://hooks.slack.com/actions/T/1/x']);
    expect(stop.decision).toMatchObject({ action: 'stop', outcome: 'applied' });
    expect(decisions.all().map((d) => [d.dedupeKey, d.outcome])).toEqual([
      ['slack#C1#1.0#extend', 'applied'],
      ['slack#C1#1.0#stop', 'applied'],
    ]);
    expect((await ledger.getJob('pool-a'))?.pendingAction).toBeUndefined();

    // The same given-up request delivered again: finishing it is its answer, with no second call.
    const again = await setup();
    await leaveClickPending(again.ledger, { dedupeKey: 'k', action: 'stop', keepAliveSeconds: 0 });
    const record = await again.ledger.getJob('pool-a');
    if (!record) throw new Error('no record');
    const repeated = await applyPoolAction(again.deps, {
      ...base,
      head: record,
      action: 'stop',
      dedupeKey: 'k',
    });
    expect(repeated.decision).toMatchObject({ outcome: 'applied', dedupeKey: 'k' });
    expect(repeated.replyTo).toBeUndefined();
    expect(again.calls).toEqual([['pool-a', 0]]);
  });

  it("an operator's stop under the kill switch closes a pending click as a dry run: only the stop reaches SageMaker", async () => {
    const { deps, ledger, decisions, calls } = await setup();
    await leaveClickPending(ledger);
    const pending = (await ledger.getJob('pool-a')) as JobRecord;
    // `poolwarden pools stop` without --dry-run: the operator overrides the switch for the stop.
    const stop = await applyPoolAction(
      { ...deps, killSwitch: async () => true },
      { ...base, head: pending, action: 'stop' },
    );
    expect(calls).toEqual([['pool-a', 0]]);
    expect(stop.decision).toMatchObject({ action: 'stop', outcome: 'applied', actor: 'operator:ops' });
    expect(decisions.all().map((d) => [d.dedupeKey, d.outcome, d.dryRun])).toEqual([
      ['slack#C1#1.0#extend', 'dry-run', true],
      [stop.decision.dedupeKey, 'applied', false],
    ]);
    expect((await ledger.getJob('pool-a'))?.pendingAction).toBeUndefined();
  });
});

/** A SageMaker holding one pool created with a 3600 s keep-alive; it can be made to misbehave. */
const misbehavingSageMaker = () => {
  const state = {
    keepAlive: 3600,
    status: 'Available' as 'Available' | 'Terminated',
    updates: [] as number[],
    /** Updates and describes time out without reaching SageMaker. */
    silent: false,
    /** Updates reach SageMaker and are applied, but the answer comes too late (the caller's 1 s abort). */
    slowAnswers: false,
    /** Updates reach SageMaker, the caller gives up on them, and SageMaker applies them only after the next describe. */
    lateCommits: false,
    inFlight: undefined as number | undefined,
  };
  const commitInFlight = () => {
    if (state.inFlight === undefined) return;
    state.keepAlive = state.inFlight;
    if (state.inFlight === 0) state.status = 'Terminated';
    state.inFlight = undefined;
  };
  const timeout = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  const trainingJobs: TrainingJobs = {
    describe: async (name): Promise<TrainingJobDescription> => {
      if (state.silent) throw timeout();
      const shown: TrainingJobDescription = {
        name,
        status: 'Completed',
        instanceType: 'ml.g5.xlarge',
        endedAtMs: NOW - 10 * MIN,
        keepAliveSeconds: state.keepAlive,
        warmPool:
          state.status === 'Available'
            ? { status: 'Available' }
            : { status: 'Terminated', billableSeconds: 600 },
      };
      commitInFlight();
      return shown;
    },
    setKeepAlive: async (_name, seconds) => {
      if (state.silent) throw timeout();
      state.updates.push(seconds);
      if (state.lateCommits) {
        state.inFlight = seconds;
        throw timeout();
      }
      state.keepAlive = seconds;
      if (seconds === 0) state.status = 'Terminated';
      if (state.slowAnswers) throw timeout();
    },
  };
  return { state, trainingJobs };
};

const setupMisbehaving = async () => {
  const ledger = new MemoryLedger();
  // The pool's end: 3600 s from the job's end
  const head = await availablePoolIn(ledger, {
    nowMs: NOW,
    sinceMin: 10,
    leftMin: 50,
    keepAliveSeconds: 3600,
  });
  const sm = misbehavingSageMaker();
  const decisions = new MemoryDecisionLog();
  let now = NOW;
  const deps: ActionDeps = {
    ledger,
    trainingJobs: sm.trainingJobs,
    decisions,
    clock: { now: () => now },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
  };
  return { deps, head, ledger, decisions, sm, setNow: (ms: number) => (now = ms) };
};

const slackClick = {
  actor: 'slack:U123',
  reason: 'Extend clicked in Slack',
  dryRun: false,
  dedupeKey: 'slack#C1#111.222#pool_extend',
  replyTo: 'https://hooks.slack.com/actions/T/1/x',
} as const;

describe('finishing an intent: showing the keep-alive asked proves the update only when the pool had another', () => {
  it('an Extend to 3600 s that SageMaker never received (the job had 3600 s already) is carried out by the next finder', async () => {
    const { deps, head, ledger, decisions, sm, setNow } = await setupMisbehaving();
    setNow(NOW + 30 * MIN);
    sm.state.silent = true; // SageMaker throttles past the click's 1 s budget
    const first = await applyPoolAction(deps, {
      ...slackClick,
      head,
      action: 'extend',
      keepAliveSeconds: 3600,
    });
    expect(first.decision.outcome).toBe('unknown');
    expect(sm.state.updates).toEqual([]);
    expect((await ledger.getJob('pool-a'))?.pendingAction?.previousKeepAliveSeconds).toBe(3600);

    // One minute later the sweep finds the given-up intent; SageMaker answers again. It shows
    // 3600 s, the value asked, but the job had it already: that proves nothing, so a person's
    // intent is sent again (setting the same period again is harmless).
    sm.state.silent = false;
    setNow(NOW + 31 * MIN);
    const pending = (await ledger.getJob('pool-a')) as JobRecord;
    const finished = await settlePendingAction(deps, pending, { killSwitch: false });
    expect(sm.state.updates).toEqual([3600]);
    expect(decisions.all().filter((d) => d.outcome === 'applied')).toHaveLength(1);
    expect(finished).toMatchObject({
      decision: { outcome: 'applied' },
      firstTime: true,
      replyTo: slackClick.replyTo,
    });
    expect((await ledger.getJob('pool-a'))?.pool?.expiresAtMs).toBe(NOW + 31 * MIN + 3600_000);
  });

  it('a policy extend whose invocation died before UpdateTrainingJob is closed "interrupted" after the lease, not applied', async () => {
    const { deps, ledger, decisions, sm, setNow } = await setupMisbehaving();
    setNow(NOW + 30 * MIN);
    // The invocation records its intent, then dies before calling SageMaker.
    await ledger.beginAction(
      'pool-a',
      {
        dedupeKey: 'extend#x',
        action: 'extend',
        keepAliveSeconds: 3600,
        actor: 'policy:default',
        reason: 'reused often',
        atMs: NOW + 30 * MIN,
        previousKeepAliveSeconds: 3600,
      },
      0,
      { expiresAtMs: NOW + 50 * MIN },
    );
    setNow(NOW + 30 * MIN + PENDING_ACTION_LEASE_MS + MIN);
    const pending = (await ledger.getJob('pool-a')) as JobRecord;
    const finished = await settlePendingAction(deps, pending, { killSwitch: false });
    expect(sm.state.updates).toEqual([]);
    expect(finished?.decision.outcome).toBe('failed');
    expect(finished?.decision.error).toMatch(/interrupted .*the policy decides afresh/);
    expect(decisions.all().map((d) => d.outcome)).toEqual(['failed']);
    expect((await ledger.getJob('pool-a'))?.pendingAction).toBeUndefined();
  });

  it('an intent written before it kept the previous keep-alive is judged by the ledger keep-alive it left', async () => {
    const { deps, ledger, decisions, sm, setNow } = await setupMisbehaving();
    // The previous version's items: no previousKeepAliveSeconds, no holdUntilMs.
    const older = (dedupeKey: string, keepAliveSeconds: number, actor: string) =>
      ({ dedupeKey, action: 'extend', keepAliveSeconds, actor, reason: 'r', atMs: NOW }) as const;
    const finishAfterLease = async () => {
      setNow(NOW + PENDING_ACTION_LEASE_MS + MIN);
      return settlePendingAction(deps, (await ledger.getJob('pool-a')) as JobRecord, { killSwitch: false });
    };

    // SageMaker shows 2400 s, asked, and the ledger had 3600 s: the update happened, nobody recorded it.
    await ledger.beginAction('pool-a', older('old#1', 2400, 'policy:default'), 0, {
      expiresAtMs: NOW + 50 * MIN,
    });
    sm.state.keepAlive = 2400;
    expect((await finishAfterLease())?.decision.outcome).toBe('applied');
    expect(sm.state.updates).toEqual([]);
    expect((await ledger.getJob('pool-a'))?.pool?.keepAliveSeconds).toBe(2400);

    // Asked what the ledger had already (2400 s): not proof. A policy's is closed, a person's sent again.
    setNow(NOW);
    const ledgerEnd = (await ledger.getJob('pool-a'))?.pool?.expiresAtMs;
    const asRead = ledgerEnd !== undefined ? { expiresAtMs: ledgerEnd } : {};
    await ledger.beginAction('pool-a', older('old#2', 2400, 'policy:default'), 0, asRead);
    expect((await finishAfterLease())?.decision.outcome).toBe('failed');
    expect(sm.state.updates).toEqual([]);
    setNow(NOW);
    await ledger.beginAction('pool-a', older('old#3', 2400, 'operator:ops'), 0, asRead);
    expect((await finishAfterLease())?.decision.outcome).toBe('applied');
    expect(sm.state.updates).toEqual([2400]);
    expect(decisions.all().map((d) => [d.dedupeKey, d.outcome])).toEqual([
      ['old#1', 'applied'],
      ['old#2', 'failed'],
      ['old#3', 'applied'],
    ]);
  });
});

describe('an update SageMaker applied but answered too late (or an SDK retry met it done) is applied', () => {
  it('a Stop click applied by SageMaker after the 1 s abort is recorded applied, with stoppedBy', async () => {
    const { deps, head, ledger, decisions, sm } = await setupMisbehaving();
    sm.state.slowAnswers = true;
    const result = await applyPoolAction(deps, {
      ...slackClick,
      dedupeKey: 'slack#C1#111.222#pool_stop',
      head,
      action: 'stop',
    });
    expect(sm.state.updates).toEqual([0]);
    // SageMaker holds keep-alive 0, the one asked: the stop is applied and attributed.
    expect(result.decision.outcome).toBe('applied');
    expect((await ledger.getJob('pool-a'))?.pool?.stoppedBy).toBe('slack:U123');
    expect(decisions.all().map((d) => d.outcome)).toEqual(['applied']);
  });

  it('an Extend SageMaker applies only after the describe that follows the abort is unknown, not failed: the next finder records it applied with its hold', async () => {
    const { deps, head, ledger, decisions, sm, setNow } = await setupMisbehaving();
    sm.state.lateCommits = true;
    const first = await applyPoolAction(deps, {
      ...slackClick,
      head,
      action: 'extend',
      keepAliveSeconds: 3000,
      thenHoldUntilMs: NOW + 90 * MIN,
    });
    expect(first.decision.outcome).toBe('unknown');
    expect(sm.state.keepAlive).toBe(3000);
    expect((await ledger.getJob('pool-a'))?.pendingAction?.unknownSinceMs).toBe(NOW);
    sm.state.lateCommits = false;
    setNow(NOW + MIN);
    const finished = await settlePendingAction(deps, (await ledger.getJob('pool-a')) as JobRecord, {
      killSwitch: false,
    });
    expect(finished).toMatchObject({ decision: { outcome: 'applied' }, firstTime: true });
    // Taken once: SageMaker showed it done, so nothing was sent again.
    expect(sm.state.updates).toEqual([3000]);
    const pool = (await ledger.getJob('pool-a'))?.pool;
    expect(pool?.heldUntilMs).toBe(NOW + 90 * MIN);
    expect(pool?.keepAliveSeconds).toBe(3000);
    expect(decisions.all().map((d) => [d.action, d.outcome])).toEqual([
      ['extend', 'unknown'],
      ['extend', 'applied'],
      ['hold', 'applied'],
    ]);
  });

  it('an Extend applied by SageMaker after the abort is recorded applied with its new end', async () => {
    const { deps, head, ledger, sm } = await setupMisbehaving();
    sm.state.slowAnswers = true;
    const result = await applyPoolAction(deps, {
      ...slackClick,
      head,
      action: 'extend',
      keepAliveSeconds: 3000,
    });
    expect(result.decision.outcome).toBe('applied');
    expect((await ledger.getJob('pool-a'))?.pool?.expiresAtMs).toBe(NOW + 3000_000);
    expect((await ledger.getJob('pool-a'))?.pendingAction).toBeUndefined();
  });

  it('a stop whose first attempt SageMaker applied, retried by the SDK and refused, is applied and records the end', async () => {
    const { deps, head, ledger, decisions, sm } = await setupMisbehaving();
    const apply = sm.trainingJobs.setKeepAlive;
    const retried = {
      ...deps,
      trainingJobs: {
        ...sm.trainingJobs,
        setKeepAlive: async (name: string, seconds: number) => {
          await apply(name, seconds);
          throw Object.assign(new Error('pool is not Available'), { name: 'ValidationException' });
        },
      },
    };
    const result = await applyPoolAction(retried, {
      head,
      action: 'stop',
      actor: 'policy:default',
      reason: 'idle',
      dryRun: false,
    });
    expect(result.decision.outcome).toBe('applied');
    expect(result.facts.map((f) => f.kind)).toEqual(['pool-ended']);
    expect((await ledger.getJob('pool-a'))?.pool).toMatchObject({
      status: 'Terminated',
      stoppedBy: 'policy:default',
    });
    expect(decisions.all().map((d) => d.outcome)).toEqual(['applied']);
  });
});

describe('a pending click finished by whoever finds it', () => {
  const extendThenHold = {
    ...slackClick,
    action: 'extend',
    keepAliveSeconds: 3000,
    thenHoldUntilMs: NOW + 50 * MIN,
  } as const;

  it('writes the rest of the click plan, the hold, with the extend, and records it under the key the click would have used', async () => {
    const { deps, head, ledger, decisions, sm, setNow } = await setupMisbehaving();
    sm.state.silent = true;
    expect((await applyPoolAction(deps, { ...extendThenHold, head })).decision.outcome).toBe('unknown');
    sm.state.silent = false;
    setNow(NOW + MIN);
    const finished = await settlePendingAction(deps, (await ledger.getJob('pool-a')) as JobRecord, {
      killSwitch: false,
    });
    expect(finished?.decision).toMatchObject({ action: 'extend', outcome: 'applied' });
    expect((await ledger.getJob('pool-a'))?.pool).toMatchObject({
      keepAliveSeconds: 3000,
      heldUntilMs: NOW + 50 * MIN,
    });
    expect(decisions.all().map((d) => [d.action, d.outcome, d.dedupeKey, d.endsAtMs])).toEqual([
      ['extend', 'unknown', `${slackClick.dedupeKey}#unknown`, undefined],
      ['extend', 'applied', slackClick.dedupeKey, NOW + MIN + 3000_000],
      ['hold', 'applied', `${slackClick.dedupeKey}#hold`, NOW + 50 * MIN],
    ]);
  });

  it.each([
    ['carried out', false],
    ['closed as a dry run (kill switch on)', true],
  ])(
    'two finishers of one intent (the sweep, a second click) tell its outcome once: %s',
    async (_, killSwitch) => {
      const { deps, head, ledger, sm, setNow } = await setupMisbehaving();
      sm.state.silent = true;
      await applyPoolAction(deps, { ...extendThenHold, head });
      sm.state.silent = false;
      setNow(NOW + MIN);
      // Both read the pool with the intent pending, then finish it one after the other.
      const seen = (await ledger.getJob('pool-a')) as JobRecord;
      const first = await settlePendingAction(deps, seen, { killSwitch });
      const second = await settlePendingAction(deps, seen, { killSwitch });
      expect([first?.firstTime, second?.firstTime]).toEqual([true, false]);
    },
  );

  it('with the kill switch on, records it as a dry run, changes nothing, and names where the person waits', async () => {
    const { deps, head, ledger, decisions, sm, setNow } = await setupMisbehaving();
    sm.state.silent = true;
    await applyPoolAction(deps, { ...extendThenHold, head });
    sm.state.silent = false;
    setNow(NOW + MIN);
    const finished = await settlePendingAction(deps, (await ledger.getJob('pool-a')) as JobRecord, {
      killSwitch: true,
    });
    expect(sm.state.updates).toEqual([]);
    expect(finished).toMatchObject({
      decision: { outcome: 'dry-run', dryRun: true, dedupeKey: slackClick.dedupeKey },
      firstTime: true,
      replyTo: slackClick.replyTo,
    });
    const after = await ledger.getJob('pool-a');
    expect(after?.pendingAction).toBeUndefined();
    expect(after?.pool?.heldUntilMs).toBeUndefined();
    expect(decisions.all().map((d) => d.outcome)).toEqual(['unknown', 'dry-run']);
  });
});

describe('the decision is written before the write that clears the intent', () => {
  it('a stop SageMaker carried out, whose decision write is throttled, keeps its intent; a later finder records it applied', async () => {
    const sm = { keepAlive: 3600, status: 'Available' as 'Available' | 'Terminated' };
    const trainingJobs: TrainingJobs = {
      describe: async (name): Promise<TrainingJobDescription> => ({
        name,
        status: 'Completed',
        instanceType: 'ml.g5.xlarge',
        endedAtMs: NOW - 10 * MIN,
        keepAliveSeconds: sm.keepAlive,
        warmPool:
          sm.status === 'Available'
            ? { status: 'Available' }
            : { status: 'Terminated', billableSeconds: 600 },
      }),
      setKeepAlive: async (_name, seconds) => {
        if (sm.status !== 'Available')
          throw Object.assign(new Error('not Available'), { name: 'ValidationException' });
        sm.keepAlive = seconds;
        if (seconds === 0) sm.status = 'Terminated';
      },
    };
    const ledger = new MemoryLedger();
    const head = await availablePoolIn(ledger, {
      nowMs: NOW,
      sinceMin: 10,
      leftMin: 50,
      keepAliveSeconds: 3600,
    });
    const decisions = new MemoryDecisionLog();
    const record = decisions.record.bind(decisions);
    let throttles = 1;
    decisions.record = async (d) => {
      if (throttles-- > 0)
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
        });
      return record(d);
    };
    let now = NOW;
    const deps: ActionDeps = {
      ledger,
      trainingJobs,
      decisions,
      clock: { now: () => now },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
    };

    // The policy stops the pool; the decision write fails (or the invocation dies there).
    await expect(
      applyPoolAction(deps, {
        head,
        action: 'stop',
        actor: 'policy:default',
        rule: 'default',
        reason: 'idle 6 min',
        dryRun: false,
      }),
    ).rejects.toThrow(/throughput/);
    const after = await ledger.getJob('pool-a');
    expect(sm.status).toBe('Terminated');
    expect(after?.pendingAction).toBeDefined();

    // README rule 8: a later finder (after the lease) records the stop as applied, and tells.
    now = NOW + PENDING_ACTION_LEASE_MS + MIN;
    const finished = await settlePendingAction(deps, after as JobRecord, { killSwitch: false });
    expect(finished?.firstTime).toBe(true);
    expect(decisions.all()).toEqual([expect.objectContaining({ action: 'stop', outcome: 'applied' })]);
    expect((await ledger.getJob('pool-a'))?.pool?.stoppedBy).toBe('policy:default');
  });
});
