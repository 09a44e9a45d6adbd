import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { BudgetedTrainingJobs } from '../../lib/adapters/sagemaker/budgetedTrainingJobs';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { type ActionDeps, applyPoolAction } from '../../lib/app/applyPoolAction';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';

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
  const head: JobRecord = {
    name: 'pool-a',
    pool: {
      status: 'Available',
      availableSinceMs: NOW - 10 * MIN,
      expiresAtMs: NOW + 20 * MIN,
      bornAtMs: NOW - 10 * MIN,
      poolId: 'pool-a',
      keepAliveSeconds: 1800,
      observedAtMs: NOW - 10 * MIN,
    },
  };
  await ledger.observePool(head, head.pool ?? { status: 'Available', observedAtMs: 0 });
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
    await ledger.beginAction(
      'pool-a',
      {
        dedupeKey: 'slack#C1#1.0#extend',
        action: 'extend',
        keepAliveSeconds: 3600,
        actor: 'slack:U1',
        reason: 'r',
        atMs: NOW,
        replyTo: 'https://hooks.slack.com/actions/T/1/x',
      },
      NOW,
      { expiresAtMs: NOW + 20 * MIN },
    );
    await ledger.markActionUnknown('pool-a', 'slack#C1#1.0#extend', NOW);
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
    await again.ledger.beginAction(
      'pool-a',
      {
        dedupeKey: 'k',
        action: 'stop',
        keepAliveSeconds: 0,
        actor: 'slack:U1',
        reason: 'r',
        atMs: NOW,
        replyTo: 'https://hooks.slack.com/actions/T/1/x',
      },
      NOW,
      { expiresAtMs: NOW + 20 * MIN },
    );
    await again.ledger.markActionUnknown('pool-a', 'k', NOW);
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
});
