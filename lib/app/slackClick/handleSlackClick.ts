import type { JobRecord } from '../../domain/jobRecord';
import type { PoolButton } from '../../domain/poolButtonPlan';
import { POOL_ACTION_IDS, type PoolActionId } from '../../events/poolActions';
import type { PoolButtonClick } from '../../events/slackInteraction';
import type { DecisionRecord } from '../../ports/decisionLog';
import type { ActionResult } from '../applyPoolAction';
import { actOnClick } from './actOnClick';
import { authorizeClick } from './authorizeClick';
import { claimClick } from './claimClick';
import { planClick } from './planClick';
import type { SlackClickDeps } from './slackClickDeps';

/** What one click came to, for the answer in Slack. No step after a refusal changed anything. */
export type SlackClickResult = { readonly button: PoolButton; readonly nowMs: number } & (
  | {
      readonly kind: 'acted';
      readonly job: string;
      readonly results: readonly ActionResult[];
      readonly dryRun: boolean;
      /** The plan's own words, for the replaced message. */
      readonly reason: string;
      readonly previousExpiresAtMs?: number;
    }
  | { readonly kind: 'duplicate'; readonly decision: DecisionRecord }
  | { readonly kind: 'unknown-job'; readonly job: string }
  | { readonly kind: 'unauthorized' | 'refused'; readonly reason: string }
  | { readonly kind: 'not-available'; readonly record: JobRecord }
  | { readonly kind: 'failed'; readonly error: string }
  /** Its unknown outcome is in `result`: counted as a failure, finished by the next sweep. */
  | { readonly kind: 'pending'; readonly reason: string; readonly result: ActionResult }
);

/** The buttons' labels, as the messages show them. */
export const LABELS: Record<PoolButton, string> = {
  extend: 'Extend',
  stop: 'Stop',
  'keep-until-end-of-day': 'Keep until end of day',
  snooze: 'Snooze',
};

const BUTTONS: Record<PoolActionId, PoolButton> = {
  [POOL_ACTION_IDS.extend]: 'extend',
  [POOL_ACTION_IDS.stop]: 'stop',
  [POOL_ACTION_IDS.keepUntilEndOfDay]: 'keep-until-end-of-day',
  [POOL_ACTION_IDS.snooze]: 'snooze',
};

/**
 * One click on a pool button: authorize, claim the click, plan under the pool's rule, act.
 * The answer (Slack's reply, the owner's notice) is the caller's: see lib/notify.
 */
export const handleSlackClick = async (
  deps: SlackClickDeps,
  click: PoolButtonClick,
): Promise<SlackClickResult> => {
  const button = BUTTONS[click.actionId];
  const nowMs = deps.clock.now();
  const head = await deps.ledger.getJob(click.value.job);
  if (!head) return { button, nowMs, kind: 'unknown-job', job: click.value.job };

  const allowed = await authorizeClick(deps, head, click.userId);
  if (!allowed.allowed) return { button, nowMs, kind: 'unauthorized', reason: `sorry, ${allowed.reason}` };

  const claim = await claimClick(deps.decisions, head.name, click);
  if (claim.kind === 'done-before') return { button, nowMs, kind: 'duplicate', decision: claim.decision };

  if (head.pool?.status !== 'Available') return { button, nowMs, kind: 'not-available', record: head };

  const setup = deps.setup();
  const { rule, plan } = await planClick(deps, setup, head, button, nowMs);
  if (plan.kind === 'refuse') return { button, nowMs, kind: 'refused', reason: plan.reason };

  // A person decided, not the rule: the rule only bounded what they could ask for, so it is named in the reason.
  const acts = await actOnClick(deps, head, plan.steps, {
    actor: `slack:${click.userId}`,
    cause: `slack-${button}`,
    reason: `${LABELS[button]} clicked in Slack by ${click.userId} (${allowed.as}, ${allowed.matchedBy}); ${plan.reason} (rule ${rule.name})`,
    dryRun: setup.killSwitch,
    dedupeKey: claim.dedupeKey,
    ...(click.responseUrl ? { replyTo: click.responseUrl } : {}),
  });
  if (acts.kind !== 'acted') return { button, nowMs, ...acts };
  return {
    button,
    nowMs,
    kind: 'acted',
    job: head.name,
    results: acts.results,
    dryRun: setup.killSwitch,
    reason: plan.reason,
    ...(head.pool.expiresAtMs !== undefined ? { previousExpiresAtMs: head.pool.expiresAtMs } : {}),
  };
};
