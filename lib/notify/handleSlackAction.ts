import type { ActionResult } from '../app/applyPoolAction';
import { handleSlackClick, type SlackClickResult } from '../app/slackClick/handleSlackClick';
import type { SlackClickDeps } from '../app/slackClick/slackClickDeps';
import { withinBudget } from '../app/withinBudget';
import { errorMessage } from '../domain/errorMessage';
import type { PoolButtonClick } from '../events/slackInteraction';
import { slackClickReply } from './messages/slackClickReply';
import type { SlackReplies, SlackReply } from './slackReplies';

export interface SlackActionDeps extends SlackClickDeps {
  /** For the times in replies. */
  readonly timeZone: string;
  readonly replies: SlackReplies;
  /** Tells the owner (and the local timeline) about a recorded action. */
  readonly onAction: (result: ActionResult) => Promise<void>;
  /** How long the answer may wait for onAction: Slack wants its answer within 3 s. */
  readonly notifyBudgetMs: number;
  /**
   * What is left of the time the route allows itself to answer this click (absent: no overall
   * limit). The SageMaker calls and the response_url reply take theirs from it as well.
   */
  readonly answerLeftMs?: () => number;
}

export type SlackActionOutcome = SlackClickResult & { readonly reply: SlackReply };

/** Tells the owner about the click's first action, waiting no longer than Slack's answer allows. */
const tellOwner = async (deps: SlackActionDeps, job: string, result: ActionResult): Promise<void> => {
  const told = await withinBudget(
    deps.onAction(result).catch((error: unknown) => {
      deps.telemetry.error('could not tell the owner about a Slack action', {
        job,
        error: errorMessage(error),
      });
    }),
    Math.min(deps.notifyBudgetMs, deps.answerLeftMs?.() ?? Number.POSITIVE_INFINITY),
  );
  if (told === 'late') deps.telemetry.warn('the owner notice was not sent within the answer budget', { job });
};

/**
 * One click on a pool button, answered: the use case (lib/app/slackClick), then step 5, the
 * answer: the reply through the click's response_url and the owner's notice. Every refusal
 * changes nothing and is told to the clicking user alone.
 */
export const handleSlackAction = async (
  deps: SlackActionDeps,
  click: PoolButtonClick,
): Promise<SlackActionOutcome> => {
  const result = await handleSlackClick(deps, click);
  const reply = slackClickReply(result, click, deps.timeZone);
  if (click.responseUrl) {
    try {
      await deps.replies.reply(click.responseUrl, reply);
    } catch (error) {
      deps.telemetry.error('could not answer the Slack interaction', {
        job: click.value.job,
        outcome: result.kind,
        error: errorMessage(error),
      });
    }
  }
  // A pending click's unknown outcome is told too: counted with the failures, with no notice.
  const first =
    result.kind === 'acted' ? result.results[0] : result.kind === 'pending' ? result.result : undefined;
  if (first?.firstTime) await tellOwner(deps, click.value.job, first);
  deps.telemetry.count(`SlackActions_${result.kind}`);
  return { ...result, reply };
};
