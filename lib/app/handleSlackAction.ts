import type { JobRecord } from '../domain/jobRecord';
import { type OwnerTagKeys, resolveOwner } from '../domain/owner';
import type { PolicySetup } from '../domain/policy/evaluatePool';
import { poolFactsOfHead } from '../domain/policy/poolFacts';
import { selectRule } from '../domain/policy/ruleSelection';
import { type PlanStep, type PoolButton, planPoolButton } from '../domain/poolButtonPlan';
import { hourlyPrice } from '../domain/prices';
import { authorizeSlackActor, emailCouldAuthorize, type SlackActor } from '../domain/slackAuthorization';
import type { PoolButtonClick } from '../events/slackInteraction';
import { formatTime } from '../notify/messages/format';
import { code } from '../notify/messages/mrkdwn';
import { POOL_ACTION_IDS, type PoolActionId } from '../notify/messages/poolButtons';
import { actionDoneReply, ephemeralReply } from '../notify/messages/slackActionReplies';
import type { DecisionRecord } from '../ports/decisionLog';
import type { SlackDirectory } from '../ports/slackDirectory';
import type { SlackReplies, SlackReply } from '../ports/slackReplies';
import type { Telemetry } from '../ports/telemetry';
import type { UsageStats } from '../ports/usageStats';
import { type ActionDeps, type ActionResult, applyPoolAction } from './applyPoolAction';
import { gatherSweepKnowledge } from './sweepStats';

export interface SlackActionDeps extends ActionDeps {
  /** The policy in force for this invocation (rule, caps, working hours, kill switch). */
  readonly setup: () => PolicySetup;
  readonly stats: UsageStats;
  readonly tagKeys: OwnerTagKeys;
  /** Slack user ids allowed to act on any pool. */
  readonly admins: ReadonlySet<string>;
  readonly snoozeSeconds: number;
  /** For the times in replies. */
  readonly timeZone: string;
  readonly directory: SlackDirectory;
  readonly replies: SlackReplies;
  /** Tells the owner (and the local timeline) about a recorded action. */
  readonly onAction: (result: ActionResult) => Promise<void>;
  /** How long the answer may wait for onAction: Slack wants its answer within 3 s. */
  readonly notifyBudgetMs: number;
  readonly telemetry: Telemetry;
}

export type SlackActionOutcome =
  | { readonly kind: 'acted'; readonly results: readonly ActionResult[]; readonly reply: SlackReply }
  | { readonly kind: 'duplicate'; readonly decision: DecisionRecord; readonly reply: SlackReply }
  | {
      readonly kind: 'unknown-job' | 'unauthorized' | 'not-available' | 'refused' | 'failed';
      readonly reason: string;
      readonly reply: SlackReply;
    };

const BUTTONS: Record<PoolActionId, PoolButton> = {
  [POOL_ACTION_IDS.extend]: 'extend',
  [POOL_ACTION_IDS.stop]: 'stop',
  [POOL_ACTION_IDS.keepUntilEndOfDay]: 'keep-until-end-of-day',
  [POOL_ACTION_IDS.snooze]: 'snooze',
};

const LABELS: Record<PoolButton, string> = {
  extend: 'Extend',
  stop: 'Stop',
  'keep-until-end-of-day': 'Keep until end of day',
  snooze: 'Snooze',
};

/**
 * The key under which a click is recorded once. Slack sends the same `action_ts` when it
 * delivers one click again, and a button lives on one message (`channel` + `message_ts`, which
 * stay the same when the message is replaced): keying by message and button makes a double
 * click, a re-delivery and a second person clicking the same button on the same message act
 * once. The replaced message drops its buttons; later messages bring new ones.
 */
export const slackDedupeKey = (click: PoolButtonClick): string =>
  `slack#${click.channelId ?? '-'}#${click.messageTs ?? click.actionTs}#${click.actionId}`;

const withinBudget = async (work: Promise<void>, budgetMs: number): Promise<'done' | 'late'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    return await Promise.race([work.then(() => 'done' as const), late]);
  } finally {
    clearTimeout(timer);
  }
};

/** Why there is nothing to act on: the pool is in use, reused, gone, or never was. */
const notAvailableReason = (record: JobRecord, timeZone: string, nowMs: number): string => {
  const pool = record.pool;
  const job = code(record.name);
  if (!pool) return `${job} kept no warm pool`;
  const when = (ms: number | undefined) =>
    ms === undefined ? '' : ` (seen ${formatTime(ms, timeZone, nowMs)})`;
  switch (pool.status) {
    case 'InUse':
      return `the warm pool of ${job} is in use by a running job`;
    case 'Reused':
      return `the warm pool of ${job} was already reused${pool.reusedByJob ? ` by ${code(pool.reusedByJob)}` : ''}${when(pool.observedAtMs)}: act on the message about that job`;
    case 'Terminated':
      return `the warm pool of ${job} has already ended${pool.stoppedBy ? `, stopped by ${pool.stoppedBy.replace(/^slack:(\w+)$/, '<@$1>')}` : ''}${when(pool.observedAtMs)}`;
    case 'Available':
      return `the warm pool of ${job} is Available`;
  }
};

const actorMention = (actor: string) => actor.replace(/^slack:(\w+)$/, '<@$1>');

/**
 * One click on a pool button: who may act, what the click means under the pool's rule, the
 * action (through applyPoolAction, recorded once under the click's key), and the answer in
 * Slack. Every refusal changes nothing and is told to the clicking user alone.
 */
export const handleSlackAction = async (
  deps: SlackActionDeps,
  click: PoolButtonClick,
): Promise<SlackActionOutcome> => {
  const outcome = await decideAndAct(deps, click);
  if (click.responseUrl) {
    try {
      await deps.replies.reply(click.responseUrl, outcome.reply);
    } catch (error) {
      deps.telemetry.error('could not answer the Slack interaction', {
        job: click.value.job,
        outcome: outcome.kind,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (outcome.kind === 'acted') {
    const first = outcome.results[0];
    if (first?.firstTime) {
      const told = await withinBudget(
        deps.onAction(first).catch((error: unknown) => {
          deps.telemetry.error('could not tell the owner about a Slack action', {
            job: click.value.job,
            error: error instanceof Error ? error.message : String(error),
          });
        }),
        deps.notifyBudgetMs,
      );
      if (told === 'late')
        deps.telemetry.warn('the owner notice was not sent within the answer budget', {
          job: click.value.job,
        });
    }
  }
  deps.telemetry.count(`SlackActions_${outcome.kind}`);
  return outcome;
};

const decideAndAct = async (deps: SlackActionDeps, click: PoolButtonClick): Promise<SlackActionOutcome> => {
  const button = BUTTONS[click.actionId];
  const label = LABELS[button];
  const nowMs = deps.clock.now();
  const refuse = (
    kind: 'unknown-job' | 'unauthorized' | 'not-available' | 'refused' | 'failed',
    reason: string,
  ) => ({
    kind,
    reason,
    reply: ephemeralReply(`${label}: ${reason}. Nothing was changed.`),
  });

  const head = await deps.ledger.getJob(click.value.job);
  if (!head) return refuse('unknown-job', `poolwarden has no record of ${code(click.value.job)}`);

  // Authorization first: someone else learns nothing about the pool's state.
  const owner = resolveOwner(head.job?.tags ?? {}, deps.tagKeys);
  let actor: SlackActor = { userId: click.userId };
  if (emailCouldAuthorize(owner, actor, deps.admins)) {
    const email = await deps.directory.emailOf(click.userId).catch((error: unknown) => {
      deps.telemetry.warn('could not look up the Slack user', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    });
    if (email) actor = { ...actor, email };
  }
  const allowed = authorizeSlackActor(owner, actor, deps.admins);
  if (!allowed.allowed) return refuse('unauthorized', `sorry, ${allowed.reason}`);

  // The same click, again: answer with what the first one did.
  const baseKey = slackDedupeKey(click);
  const earlier = (await deps.decisions.decisionsOf(head.name)).filter(
    (d) => d.dedupeKey === baseKey || d.dedupeKey.startsWith(`${baseKey}#retry`),
  );
  const done = earlier.find((d) => d.outcome !== 'failed' && d.outcome !== 'unknown');
  if (done) {
    return {
      kind: 'duplicate',
      decision: done,
      reply: ephemeralReply(
        `${label}: already done from this message by ${actorMention(done.actor)} at ${formatTime(done.atMs, deps.timeZone, nowMs)} (${done.outcome}). Nothing more was changed.`,
      ),
    };
  }
  // A click whose action SageMaker refused while the pool was still Available may be tried again.
  const key = earlier.length === 0 ? baseKey : `${baseKey}#retry${earlier.length}`;

  if (head.pool?.status !== 'Available') {
    return refuse('not-available', notAvailableReason(head, deps.timeZone, nowMs));
  }

  const setup = deps.setup();
  const facts = poolFactsOfHead(head);
  const rule = selectRule(setup.policy, {
    tags: facts.tags,
    ...(facts.instanceType !== undefined ? { instanceType: facts.instanceType } : {}),
    ...(facts.team !== undefined ? { team: facts.team } : {}),
    ...(facts.owner !== undefined ? { owner: facts.owner } : {}),
  });
  const spend =
    button === 'stop'
      ? {}
      : (await gatherSweepKnowledge(deps.stats, [head], nowMs, setup.prices)).spend(head);
  const price = facts.instanceType ? hourlyPrice(setup.prices, facts.instanceType) : undefined;
  const plan = planPoolButton({
    button,
    pool: facts,
    rule,
    limits: setup.limits,
    nowMs,
    snoozeSeconds: deps.snoozeSeconds,
    spend,
    ...(price !== undefined ? { pricePerInstanceHourUsd: price } : {}),
  });
  if (plan.kind === 'refuse') return refuse('refused', plan.reason);

  // A person decided, not the rule: the rule only bounded what they could ask for, so it is named in the reason.
  const reason = `${label} clicked in Slack by ${click.userId} (${allowed.as}, ${allowed.matchedBy}); ${plan.reason} (rule ${rule.name})`;
  const request = (step: PlanStep, dedupeKey: string, current: JobRecord) => ({
    head: current,
    action: step.action,
    ...(step.action === 'extend' ? { keepAliveSeconds: step.keepAliveSeconds } : {}),
    ...(step.action === 'hold' ? { untilMs: step.untilMs } : {}),
    actor: `slack:${click.userId}`,
    cause: `slack-${button}`,
    reason,
    dryRun: setup.killSwitch,
    dedupeKey,
  });

  const results: ActionResult[] = [];
  let current = head;
  for (const [index, step] of plan.steps.entries()) {
    const result = await applyPoolAction(
      deps,
      request(step, index === 0 ? key : `${key}#${step.action}`, current),
    );
    results.push({
      ...result,
      ...(head.pool.expiresAtMs !== undefined ? { previousExpiresAtMs: head.pool.expiresAtMs } : {}),
    });
    current = result.record;
    // Another copy of this click (or another action on the pool) holds the claim: it acts, this one does not.
    if (
      result.decision.outcome === 'skipped' &&
      !result.firstTime &&
      result.record.pool?.status === 'Available'
    ) {
      return refuse('refused', 'another action on this pool is in progress (this click, delivered twice?)');
    }
    // SageMaker refused (or, for a hold, the ledger no longer holds the pool as Available).
    if (result.decision.outcome === 'skipped' && index === 0) {
      return refuse('not-available', notAvailableReason(result.record, deps.timeZone, nowMs));
    }
    if (result.decision.outcome === 'unknown') {
      return refuse(
        'failed',
        'SageMaker did not answer in time, so nothing is known to have changed; try again',
      );
    }
    if (result.decision.outcome === 'failed') {
      return refuse('failed', `SageMaker refused: ${result.decision.error ?? 'unknown error'}; try again`);
    }
  }

  const extended = results.find((r) => r.decision.action === 'extend')?.decision.endsAtMs;
  const heldUntil = results.find((r) => r.decision.action === 'hold')?.decision.endsAtMs;
  return {
    kind: 'acted',
    results,
    reply: actionDoneReply(
      {
        button,
        userId: click.userId,
        job: head.name,
        dryRun: setup.killSwitch,
        ...(extended !== undefined ? { expiresAtMs: extended } : {}),
        ...(extended !== undefined && head.pool.expiresAtMs !== undefined
          ? { previousExpiresAtMs: head.pool.expiresAtMs }
          : {}),
        ...(heldUntil !== undefined ? { heldUntilMs: heldUntil } : {}),
        reason: plan.reason,
        nowMs,
        timeZone: deps.timeZone,
      },
      click.message,
    ),
  };
};
