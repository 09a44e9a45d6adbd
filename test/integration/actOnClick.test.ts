import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { type ActionDeps, applyPoolAction } from '../../lib/app/applyPoolAction';
import { actOnClick, type ClickActs } from '../../lib/app/slackClick/actOnClick';
import { claimClick } from '../../lib/app/slackClick/claimClick';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS, lifetimeEndMs } from '../../lib/domain/keepAlive';
import type { PlanStep } from '../../lib/domain/poolButtonPlan';
import { POOL_ACTION_IDS } from '../../lib/events/poolActions';
import type { PoolButtonClick } from '../../lib/events/slackInteraction';
import type { Ledger } from '../../lib/ports/ledger';
import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { availablePoolIn } from '../support/availablePool';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

// A Snooze (a hold alone) clicked after the policy claimed a stop and before UpdateTrainingJob
// must not be answered "snoozed" for a pool SageMaker stops a moment later: the hold is refused
// while the stop is in flight.
describe.each(['memory', 'dynalite'])("(%s) a Snooze click while the sweep's stop is in flight", (kind) => {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    if (kind === 'dynalite') dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo?.stop());
  it('is either refused or wins; never "applied" for a pool that is then stopped', async () => {
    const ledger: Ledger = dynamo
      ? new DynamoLedger(dynamo.client, await dynamo.createLedgerTable())
      : new MemoryLedger();
    const head = await availablePoolIn(ledger, {
      nowMs: NOW,
      sinceMin: 30,
      leftMin: 30,
      keepAliveSeconds: 3600,
    });
    const sm = { keepAlive: 3600 };
    let click: ClickActs | undefined;
    const decisions = new MemoryDecisionLog();
    const trainingJobs: TrainingJobs = {
      describe: async (name): Promise<TrainingJobDescription> => ({
        name,
        status: 'Completed',
        instanceType: 'ml.g5.xlarge',
        endedAtMs: NOW - 30 * MIN,
        keepAliveSeconds: sm.keepAlive,
        warmPool: { status: sm.keepAlive === 0 ? 'Terminated' : 'Available' },
      }),
      setKeepAlive: async (_name, seconds) => {
        // The UpdateTrainingJob of the sweep is slow (throttled, retried by the SDK); meanwhile the
        // owner clicks Snooze in Slack (a separate Lambda, same ledger).
        if (click === undefined) {
          click = await actOnClick(
            deps,
            (await ledger.getJob('pool-a')) as JobRecord,
            [{ action: 'hold', untilMs: NOW + 120 * MIN }],
            { actor: 'slack:U1', cause: 'slack', reason: 'snooze', dryRun: false, dedupeKey: 'click-1' },
          );
        }
        sm.keepAlive = seconds;
      },
    };
    const deps: ActionDeps = {
      ledger,
      trainingJobs,
      decisions,
      clock: { now: () => NOW },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
    };
    const stop = await applyPoolAction(deps, {
      head,
      action: 'stop',
      actor: 'policy:defaults',
      rule: 'defaults',
      reason: 'idle for 30 minutes',
      dryRun: false,
    });
    expect(stop.decision.outcome).toBe('applied');
    const snoozeTold = click?.kind === 'acted' ? click.results[0]?.decision.outcome : click?.kind;
    // SageMaker: the pool was stopped. The owner must not have been told the snooze was applied.
    expect(sm.keepAlive).toBe(0);
    const audit = decisions
      .all()
      .map((d) => `${d.action}:${d.outcome}`)
      .join(', ');
    expect(
      snoozeTold,
      `the owner was answered "snoozed" for a pool SageMaker then stopped (audit: ${audit})`,
    ).not.toBe('applied');
    // The person is told why, and that trying again makes sense.
    expect(click).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/in progress; try again/) });
  });
});

// A Snooze refused because another's action holds the pool (a policy's extend from the sweep, an
// operator's stop) is not recorded under the click's key: the same button, clicked again once that
// action is done, acts instead of being answered "already done from this message".
describe.each(['memory', 'dynalite'])('(%s) a Snooze refused while an action is in flight', (kind) => {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    if (kind === 'dynalite') dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo?.stop());
  it('may be tried again from the same message once that action is done', async () => {
    const ledger: Ledger = dynamo
      ? new DynamoLedger(dynamo.client, await dynamo.createLedgerTable())
      : new MemoryLedger();
    await availablePoolIn(ledger, {
      nowMs: NOW,
      sinceMin: 10,
      leftMin: 20,
      keepAliveSeconds: 1800,
    });
    const never = async (): Promise<never> => {
      throw new Error('a snooze does not call SageMaker');
    };
    const decisions = new MemoryDecisionLog();
    const deps: ActionDeps = {
      ledger,
      trainingJobs: { describe: never, setKeepAlive: never },
      decisions,
      clock: { now: () => NOW },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
    };
    const intent = {
      dedupeKey: 'extend#policy',
      action: 'extend' as const,
      keepAliveSeconds: 3600,
      actor: 'policy:busy-hours',
      rule: 'busy-hours',
      reason: 'busy hours',
      atMs: NOW,
    };
    expect(await ledger.beginAction('pool-a', intent, NOW - 5 * MIN, { expiresAtMs: NOW + 20 * MIN })).toBe(
      true,
    );
    const button: PoolButtonClick = {
      actionId: POOL_ACTION_IDS.snooze,
      value: { job: 'pool-a', hop: 'pool-a' },
      userId: 'U1',
      actionTs: '1772445700.100000',
      messageTs: '1772445000.000100',
      channelId: 'D0U1',
    };
    const snooze = async () => {
      const claim = await claimClick(decisions, 'pool-a', button);
      if (claim.kind !== 'first') return claim;
      return actOnClick(
        deps,
        (await ledger.getJob('pool-a')) as JobRecord,
        [{ action: 'hold', untilMs: NOW + 60 * MIN }],
        {
          actor: 'slack:U1',
          cause: 'slack-snooze',
          reason: 'snooze',
          dryRun: false,
          dedupeKey: claim.dedupeKey,
        },
      );
    };
    expect(await snooze()).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/try again in a minute/),
    });
    expect(decisions.all()).toEqual([]);
    expect(await ledger.endAction('pool-a', intent.dedupeKey)).toBe(true);
    expect(await snooze()).toMatchObject({ kind: 'acted' });
    expect((await ledger.getJob('pool-a'))?.pool?.heldUntilMs).toBe(NOW + 60 * MIN);
    expect(decisions.all().map((d) => `${d.action}:${d.outcome}`)).toEqual(['hold:applied']);
  });
});

// The click's hold is written with the extend's keep-alive (the write that clears the intent):
// its decision is recorded before that write, so a crash or a throttled decision write after it
// never leaves a pool held (auto-stop off) that the audit does not show.
describe('an Extend+Keep click that dies after the extend', () => {
  it('leaves no hold in the ledger that the audit does not show', async () => {
    const ledger = new MemoryLedger();
    await availablePoolIn(ledger, {
      nowMs: NOW,
      sinceMin: 10,
      leftMin: 20,
      keepAliveSeconds: 1800,
    });
    const trainingJobs: TrainingJobs = {
      describe: async (name): Promise<TrainingJobDescription> => ({
        name,
        status: 'Completed',
        instanceType: 'ml.g5.xlarge',
        endedAtMs: NOW - 10 * MIN,
        keepAliveSeconds: 3600,
        warmPool: { status: 'Available' },
      }),
      setKeepAlive: async () => {},
    };
    const decisions = new MemoryDecisionLog();
    const record = decisions.record.bind(decisions);
    // The hold's decision write is throttled (or the Lambda times out right there).
    decisions.record = async (d) => {
      if (d.action === 'hold') throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return record(d);
    };
    const deps: ActionDeps = {
      ledger,
      trainingJobs,
      decisions,
      clock: { now: () => NOW },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
    };
    const holdUntil = NOW + 4 * 60 * MIN;
    await actOnClick(
      deps,
      (await ledger.getJob('pool-a')) as JobRecord,
      [
        { action: 'extend', keepAliveSeconds: 3600, expiresAtMs: NOW + 60 * MIN },
        { action: 'hold', untilMs: holdUntil },
      ],
      { actor: 'slack:U1', cause: 'slack', reason: 'keep until 16:00', dryRun: false, dedupeKey: 'click-1' },
    ).catch(() => undefined);
    const after = await ledger.getJob('pool-a');
    const audited = decisions.all().filter((d) => d.action === 'hold');
    // What the ledger holds and what the audit says must agree: held <=> a hold decision.
    expect({ held: after?.pool?.heldUntilMs !== undefined, holdDecisions: audited.length }).toEqual({
      held: audited.length > 0,
      holdDecisions: audited.length,
    });
  });
});

// A pool presumed taken by a job (reusePresumption.ts) that SageMaker cannot be asked about within
// the click's budget: the person is told what holds it, not "another action is in progress".
const STOP_OR_SNOOZE: readonly (readonly [string, PlanStep])[] = [
  ['Stop', { action: 'stop' }],
  ['Snooze', { action: 'hold', untilMs: NOW + 60 * MIN }],
];
describe.each(STOP_OR_SNOOZE)(
  'a %s click on a pool presumed taken, SageMaker out of reach',
  (_name, step) => {
    it('is refused with the job presumed to hold it', async () => {
      const ledger = new MemoryLedger();
      await availablePoolIn(ledger, { nowMs: NOW, sinceMin: 10, leftMin: 20, keepAliveSeconds: 1800 });
      await ledger.linkReuse(
        'pool-a',
        'taker',
        { poolId: 'pool-a', bornAtMs: NOW - 10 * MIN },
        lifetimeEndMs(NOW - 10 * MIN, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect(await ledger.presumeReuse('pool-a', 'taker', NOW - MIN)).toBe(true);
      const unreachable = async (): Promise<never> => {
        throw Object.assign(new Error('the click budget ran out'), { name: 'AbortError' });
      };
      const deps: ActionDeps = {
        ledger,
        trainingJobs: { describe: unreachable, setKeepAlive: unreachable },
        decisions: new MemoryDecisionLog(),
        clock: { now: () => NOW },
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
      };
      const click = await actOnClick(deps, (await ledger.getJob('pool-a')) as JobRecord, [step], {
        actor: 'slack:U1',
        cause: 'slack',
        reason: 'stop',
        dryRun: false,
        dedupeKey: 'click-1',
      });
      expect(click).toMatchObject({
        kind: 'refused',
        reason: expect.stringMatching(/presumed taken by job taker until the next reconcile/),
      });
      expect((await ledger.getJob('pool-a'))?.pool?.presumedTakenBy).toBe('taker');
      expect((await ledger.getJob('pool-a'))?.pool?.heldUntilMs).toBeUndefined();
    });
  },
);
