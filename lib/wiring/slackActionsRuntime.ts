import { BudgetedTrainingJobs } from '../adapters/sagemaker/budgetedTrainingJobs';
import { ResponseUrlReplies } from '../adapters/slack/responseUrlReplies';
import { WebApiDirectory } from '../adapters/slack/webApiDirectory';
import { finishLeavingIntent } from '../app/leavingIntent';
import { withinBudget } from '../app/withinBudget';
import type { SlackActionDeps } from '../notify/handleSlackAction';
import { type Clock, systemClock } from '../ports/clock';
import type { Telemetry } from '../ports/telemetry';
import type { Environment } from './config/configError';
import { requireSigningSecret } from './config/loadConfig';
import { lambdaRuntime } from './lambdaRuntime';
import type { Runtime } from './runtime';
import { signingSecretFrom } from './ssmParameters';

/**
 * Each SageMaker call of a click (the update, and the describe after a refusal) gives up after
 * this: with the ledger writes, the answer stays within Slack's 3 s whatever SageMaker does.
 */
const SAGEMAKER_CALL_BUDGET_MS = 1_000;

/**
 * Slack waits 3 s for the answer to a click, counted from when it sent it: the route allows itself
 * this much from API Gateway's arrival time (a cold start included), leaving the rest to the
 * network. Every wait of a click (the SageMaker calls, the response_url reply, the owner's notice)
 * takes its budget from what is left, so budgets that each fit cannot add up past it.
 */
export const ANSWER_WITHIN_MS = 2_500;

/** What a SageMaker call leaves of the answer time for the response_url reply after it. */
const KEPT_FOR_THE_REPLY_MS = 500;

/**
 * The Slack actions function's dependencies: the shared Runtime (ledger, SageMaker, decision
 * log, policy, notifications) plus the Slack side (who is admin, the user directory, answers
 * through response_url). Built once per container from the runtime's configuration.
 */
export class SlackActionsRuntime {
  /** What every click shares; its waits are bounded per click (actionDeps). */
  private readonly shared: Omit<SlackActionDeps, 'trainingJobs' | 'replies'>;
  private signingSecret: string | undefined;

  constructor(
    readonly runtime: Runtime,
    telemetry: Telemetry,
    private readonly env: Environment = process.env,
    /** The wall clock: the answer's deadline is real time, whatever clock the actions run on. */
    private readonly wallClock: Clock = systemClock,
  ) {
    const { core, notify, slackActions } = runtime.config;
    requireSigningSecret(slackActions);
    this.shared = {
      ...runtime.actionDeps(),
      setup: () => runtime.setup(),
      stats: runtime.stats,
      tagKeys: core.tagKeys,
      admins: slackActions.admins,
      snoozeSeconds: slackActions.snoozeSeconds,
      timeZone: notify.defaultTimeZone,
      directory: new WebApiDirectory({
        secrets: () => runtime.notify.slackSecrets.get(),
        ...(notify.slack.mode === 'bot' && notify.slack.apiUrl ? { apiUrl: notify.slack.apiUrl } : {}),
        timeoutMs: slackActions.replyTimeoutMs,
      }),
      onAction: runtime.onAction,
      notifyBudgetMs: slackActions.notifyBudgetMs,
      telemetry,
    };
  }

  /** Reads what middy's ssm middleware fetched for this invocation (secrets, policy, kill switch). */
  refresh(context: object): void {
    this.runtime.refresh(context, this.env);
    this.signingSecret = signingSecretFrom(context, this.env);
  }

  secret(): string | undefined {
    return this.signingSecret;
  }

  /**
   * One click's dependencies: the container's, with every wait bounded by what is left of the
   * click's answer time (from `arrivedAtMs`, API Gateway's arrival time; now when unknown).
   */
  actionDeps(arrivedAtMs: number = this.wallClock.now()): SlackActionDeps {
    const answerLeftMs = () => arrivedAtMs + ANSWER_WITHIN_MS - this.wallClock.now();
    const { slackActions } = this.runtime.config;
    const deps: SlackActionDeps = {
      ...this.shared,
      // An earlier click's action this one finishes first (applyPoolAction), or one finished as
      // its pool is seen leaving (leavingIntent.ts), is told within the answer time too: its
      // telling goes on past the answer only while the container lives.
      onAction: async (result) => {
        await withinBudget(
          this.runtime.onAction(result),
          Math.min(slackActions.notifyBudgetMs, answerLeftMs() - KEPT_FOR_THE_REPLY_MS),
        );
      },
      finishIntent: (record, description) => finishLeavingIntent(deps, record, description),
      trainingJobs: new BudgetedTrainingJobs(this.runtime.trainingJobs, () =>
        Math.min(SAGEMAKER_CALL_BUDGET_MS, answerLeftMs() - KEPT_FOR_THE_REPLY_MS),
      ),
      replies: new ResponseUrlReplies({
        timeoutMs: () => Math.min(slackActions.replyTimeoutMs, answerLeftMs()),
        allowLoopback: slackActions.loopbackReplies,
      }),
      answerLeftMs,
    };
    return deps;
  }
}

/** The deployed Slack actions function's runtime, from the configuration its module read. */
export const slackActionsLambdaRuntime = (telemetry: Telemetry): SlackActionsRuntime =>
  new SlackActionsRuntime(lambdaRuntime(telemetry), telemetry);
