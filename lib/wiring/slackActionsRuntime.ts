import { BudgetedTrainingJobs } from '../adapters/sagemaker/budgetedTrainingJobs';
import { ResponseUrlReplies } from '../adapters/slack/responseUrlReplies';
import { WebApiDirectory } from '../adapters/slack/webApiDirectory';
import type { SlackActionDeps } from '../notify/handleSlackAction';
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
 * The Slack actions function's dependencies: the shared Runtime (ledger, SageMaker, decision
 * log, policy, notifications) plus the Slack side (who is admin, the user directory, answers
 * through response_url). Built once per container from the runtime's configuration.
 */
export class SlackActionsRuntime {
  private readonly deps: SlackActionDeps;
  private signingSecret: string | undefined;

  constructor(
    readonly runtime: Runtime,
    telemetry: Telemetry,
    private readonly env: Environment = process.env,
  ) {
    const { core, notify, slackActions } = runtime.config;
    requireSigningSecret(slackActions);
    this.deps = {
      ...runtime.actionDeps(),
      trainingJobs: new BudgetedTrainingJobs(runtime.trainingJobs, SAGEMAKER_CALL_BUDGET_MS),
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
      replies: new ResponseUrlReplies({
        timeoutMs: slackActions.replyTimeoutMs,
        allowLoopback: slackActions.loopbackReplies,
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

  actionDeps(): SlackActionDeps {
    return this.deps;
  }
}

/** The deployed Slack actions function's runtime, from the configuration its module read. */
export const slackActionsLambdaRuntime = (telemetry: Telemetry): SlackActionsRuntime =>
  new SlackActionsRuntime(lambdaRuntime(telemetry), telemetry);
